@echo off
rem Builds Lila Desktop for Windows: dist\lila-desktop\ (PyInstaller, one folder)
rem and dist\lila-desktop-VERSION-setup.exe (NSIS, per-user installer).
rem
rem Needs: Python 3.11 (x64) as "py -3.11", NSIS 3 (makensis on PATH or in
rem "%ProgramFiles(x86)%\NSIS"). Run from anywhere: packaging\windows\build_windows.cmd
rem
rem python-magic needs libmagic's DLL, which Windows does not have:
rem python-magic-bin carries it (NEONIZE_NOTES); its own PyInstaller hook bundles it.
setlocal
set "ROOT=%~dp0..\.."
pushd "%ROOT%" || exit /b 1

rem PYTHON: the interpreter to build with (CI: the one actions/setup-python installed).
if not defined PYTHON set "PYTHON=py -3.11"
if not exist .venv\Scripts\python.exe (
  %PYTHON% -m venv .venv || goto :fail
)
.venv\Scripts\python -m pip install --upgrade pip || goto :fail
.venv\Scripts\python -m pip install -e ".[packaging]" || goto :fail
rem python-magic-bin replaces python-magic's files (same "magic" package) with its DLL-carrying copy.
.venv\Scripts\python -m pip install --force-reinstall --no-deps python-magic-bin==0.4.14 || goto :fail

for /f "usebackq delims=" %%v in (`.venv\Scripts\python -c "import lila_desktop; print(lila_desktop.__version__)"`) do set "VERSION=%%v"

.venv\Scripts\python packaging\icons\make_icons.py --check || goto :fail
.venv\Scripts\python -m PyInstaller --noconfirm --clean --distpath dist --workpath build packaging\lila-desktop.spec || goto :fail

set "MAKENSIS=makensis"
where makensis >nul 2>nul || set "MAKENSIS=%ProgramFiles(x86)%\NSIS\makensis.exe"
"%MAKENSIS%" /WX /DVERSION=%VERSION% packaging\windows\lila-desktop.nsi || goto :fail

echo Built dist\lila-desktop-%VERSION%-setup.exe
popd
exit /b 0

:fail
echo Build failed. 1>&2
popd
exit /b 1
