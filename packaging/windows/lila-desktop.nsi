; Lila Desktop: the Windows installer (NSIS 3, Unicode).
;
; Per-user: installs under %LOCALAPPDATA%\Programs\Lila Desktop without
; administrator rights; a Start-menu shortcut; optional desktop shortcut and
; start on sign-in; an uninstaller listed in "Apps & features".
;
;   makensis /DVERSION=0.1.0 packaging\windows\lila-desktop.nsi
;   (packaging\windows\build_windows.cmd builds the app first, then this)
;
; Defines: VERSION (required), DIST_DIR (the PyInstaller folder, default
; ..\..\dist\lila-desktop), OUTFILE (default ..\..\dist\lila-desktop-VERSION-setup.exe).
; Relative paths are relative to this file (makensis runs from its folder).
;
; The uninstaller removes the program and what the installer registered
; (shortcuts, the start-on-sign-in value, the uninstall entry) and nothing
; else: the numbers, backups and settings in %LOCALAPPDATA%\Lila\lila-desktop
; and the vault key in the Windows Credential Manager stay, so a reinstall
; finds every number as it was.

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!ifndef VERSION
  !error "Pass the version: makensis /DVERSION=0.1.0 lila-desktop.nsi"
!endif
!ifndef DIST_DIR
  !define DIST_DIR "..\..\dist\lila-desktop"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\lila-desktop-${VERSION}-setup.exe"
!endif
!ifndef VI_VERSION
  !define VI_VERSION "${VERSION}.0"  ; Windows wants four numbers
!endif

!define APP_NAME "Lila Desktop"
; The value name services/autostart.py reads and writes: the installer's
; option and the app's Settings switch are the same setting.
!define APP_ID "lila-desktop"
!define EXE "lila-desktop.exe"
!define PUBLISHER "Lila"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define OWN_KEY "Software\${PUBLISHER}\${APP_ID}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${OWN_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VI_VERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "..\icons\lila-desktop.ico"
!define MUI_UNICON "..\icons\lila-desktop.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The installer speaks Spanish on a Spanish Windows, English elsewhere.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Spanish"

LangString SecAppName ${LANG_ENGLISH} "Lila Desktop (with a Start-menu shortcut)"
LangString SecAppName ${LANG_SPANISH} "Lila Desktop (con acceso en el menú Inicio)"
LangString SecDesktopName ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDesktopName ${LANG_SPANISH} "Acceso directo en el escritorio"
LangString SecAutostartName ${LANG_ENGLISH} "Start Lila Desktop when I sign in"
LangString SecAutostartName ${LANG_SPANISH} "Iniciar Lila Desktop al iniciar sesión"

LangString AppRunning ${LANG_ENGLISH} "Lila Desktop is running. Quit it first (tray icon > Quit), then press Retry."
LangString AppRunning ${LANG_SPANISH} "Lila Desktop está abierto. Ciérralo primero (icono junto al reloj > Salir) y pulsa Reintentar."

; A running copy (the window or its engine: the same exe) keeps the program's
; files open: replacing them would fail half-way and leave a broken install.
; Windows lets nobody open a running exe for writing, so that is the test.
; Silent (/S) runs do not ask: they stop with exit code 2.
!macro REFUSE_WHILE_RUNNING
  ${Do}
    ${IfNot} ${FileExists} "$INSTDIR\${EXE}"
      ${Break}
    ${EndIf}
    ClearErrors
    FileOpen $R0 "$INSTDIR\${EXE}" a
    ${IfNot} ${Errors}
      FileClose $R0
      ${Break}
    ${EndIf}
    ; Retry loops; Cancel (the default of a silent run) ends with exit code 2.
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDCANCEL IDRETRY +3
    SetErrorLevel 2
    Quit
  ${Loop}
!macroend

Section "!$(SecAppName)" SecApp
  SectionIn RO
  !insertmacro REFUSE_WHILE_RUNNING
  SetOutPath "$INSTDIR"
  ; An update replaces the program folder whole, so no file of an older
  ; version lingers; _internal is ours alone (never a folder the user chose).
  RMDir /r "$INSTDIR\_internal"
  File "${DIST_DIR}\${EXE}"
  File /r "${DIST_DIR}\_internal"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  WriteRegStr HKCU "${OWN_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "$(SecDesktopName)" SecDesktop
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
SectionEnd

Section /o "$(SecAutostartName)" SecAutostart
  ; Quoted the way subprocess.list2cmdline quotes a path with spaces, as the app writes it.
  WriteRegStr HKCU "${RUN_KEY}" "${APP_ID}" '"$INSTDIR\${EXE}"'
SectionEnd

Section "Uninstall"
  !insertmacro REFUSE_WHILE_RUNNING
  ; Only what the installer put there; RMDir without /r leaves a folder that
  ; still holds anything else.
  Delete "$INSTDIR\${EXE}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  ; A start-on-sign-in value would point at a program that is gone.
  DeleteRegValue HKCU "${RUN_KEY}" "${APP_ID}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "${OWN_KEY}"
  DeleteRegKey /ifempty HKCU "Software\${PUBLISHER}"
SectionEnd
