<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/about_dialog.py" line="42"/>
        <source>About Lila Desktop</source>
        <translation>Acerca de Lila Desktop</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/about_dialog.py" line="49"/>
        <source>Keeps your shop&apos;s WhatsApp numbers connected, on your own computer.</source>
        <translation>Mantiene conectados los números de WhatsApp de tu negocio, en tu propio ordenador.</translation>
    </message>
</context>
<context>
    <name>BackupModel</name>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="40"/>
        <source>Just linked</source>
        <translation>Recién vinculado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="41"/>
        <location filename="../../lila_desktop/ui/models/backups.py" line="42"/>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="43"/>
        <source>Scheduled</source>
        <translation>Programada</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="44"/>
        <source>Backed up by you</source>
        <translation>Hecha por ti</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="45"/>
        <source>Before logging out</source>
        <translation>Antes de cerrar sesión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="46"/>
        <source>Before a restore</source>
        <translation>Antes de una restauración</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="47"/>
        <source>Before removing the number</source>
        <translation>Antes de quitar el número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="48"/>
        <source>Before an import</source>
        <translation>Antes de una importación</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="49"/>
        <source>Imported</source>
        <translation>Importada</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="50"/>
        <source>Before WhatsApp removed it</source>
        <translation>Antes de que WhatsApp lo quitara</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="53"/>
        <source>Kept after a crash</source>
        <translation>Guardada tras un cierre inesperado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="60"/>
        <source>Kept before a reset</source>
        <translation>Guardada antes de reiniciar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="82"/>
        <source>Taken</source>
        <translation>Hecha</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="83"/>
        <source>Why</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="84"/>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="104"/>
        <source>taken while connected</source>
        <translation>hecha estando conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/backups.py" line="106"/>
        <source>taken while not connected</source>
        <translation>hecha sin conexión</translation>
    </message>
</context>
<context>
    <name>BackupTimeline</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="121"/>
        <source>Backups of this number</source>
        <translation>Copias de seguridad de este número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="122"/>
        <source>&amp;Back up now</source>
        <translation>Hacer &amp;copia ahora</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="123"/>
        <source>Take a backup of this number now (Ctrl+B)</source>
        <translation>Hacer ahora una copia de seguridad de este número (Ctrl+B)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="124"/>
        <source>&amp;Restore…</source>
        <translation>&amp;Restaurar…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="126"/>
        <source>Put the selected backup back (the newest if none is selected) (Ctrl+R)</source>
        <translation>Volver a poner la copia elegida (la más reciente si no eliges ninguna) (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="128"/>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportar…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="130"/>
        <source>Save this number&apos;s login to move it to another computer</source>
        <translation>Guardar la sesión de este número para llevarla a otro ordenador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="142"/>
        <source>Select a number to see its backups.</source>
        <translation>Elige un número para ver sus copias de seguridad.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="144"/>
        <source>No backups of +%1 yet.</source>
        <translation>Aún no hay copias de +%1.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="146"/>
        <source>Backups of +%1 (newest first)</source>
        <translation>Copias de +%1 (la más reciente primero)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="203"/>
        <source>Restoring… the number is now: %1</source>
        <translation>Restaurando… el número ahora está: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="245"/>
        <source>Nothing changed since the last backup, so none was needed.</source>
        <translation>Nada cambió desde la última copia, así que no hacía falta otra.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="249"/>
        <source>Backed up at %1.</source>
        <translation>Copia hecha a las %1.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="277"/>
        <source>Restore a backup</source>
        <translation>Restaurar una copia</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="278"/>
        <source>Put back the backup of +%1 taken %2 (%3)?</source>
        <translation>¿Volver a poner la copia de +%1 hecha %2 (%3)?</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="283"/>
        <source>The number disconnects for a moment. What it has now is backed up first, so nothing is lost.</source>
        <translation>El número se desconecta un momento. Antes se copia lo que tiene ahora, así que no se pierde nada.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="286"/>
        <source>&amp;Restore</source>
        <translation>&amp;Restaurar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="294"/>
        <source>Restoring…</source>
        <translation>Restaurando…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="298"/>
        <source>The restore did not happen: %1</source>
        <translation>No se restauró: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="313"/>
        <source>Restored: +%1 is connected again.</source>
        <translation>Restaurado: +%1 vuelve a estar conectado.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="316"/>
        <source>WhatsApp did not accept this backup: the phone removed this device, and a removed device cannot come back. Link the number again with a new QR.</source>
        <translation>WhatsApp no aceptó esta copia: el teléfono quitó este dispositivo y un dispositivo quitado no puede volver. Vincula el número otra vez con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="320"/>
        <source>The backup is back in place. %1</source>
        <translation>La copia ya está puesta. %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/backup_timeline.py" line="324"/>
        <source>The backup is back in place, but WhatsApp has not answered yet; Lila keeps trying by itself.</source>
        <translation>La copia ya está puesta, pero WhatsApp aún no responde; Lila sigue intentándolo sola.</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/banner.py" line="36"/>
        <location filename="../../lila_desktop/ui/widgets/banner.py" line="37"/>
        <source>Dismiss</source>
        <translation>Cerrar</translation>
    </message>
</context>
<context>
    <name>FirstRunPanel</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="203"/>
        <source>Welcome to Lila Desktop</source>
        <translation>Te damos la bienvenida a Lila Desktop</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="206"/>
        <source>Lila keeps your shop&apos;s WhatsApp numbers connected on this computer, and backs them up so a glitch never makes you scan again. Linking a number takes about a minute: type it, scan a code with the phone, done.</source>
        <translation>Lila mantiene conectados los números de WhatsApp de tu negocio en este ordenador y guarda copias de seguridad, para que un fallo nunca te obligue a escanear otra vez. Vincular un número lleva cerca de un minuto: lo escribes, escaneas un código con el teléfono y listo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="211"/>
        <source>&amp;Link your first number</source>
        <translation>&amp;Vincula tu primer número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="212"/>
        <source>Link your first number</source>
        <translation>Vincula tu primer número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="215"/>
        <source>This is the demo: nothing reaches WhatsApp, and a button stands in for the phone&apos;s scan. Three demo numbers with a day of history join your list when you finish.</source>
        <translation>Esto es la demostración: nada llega a WhatsApp y un botón hace las veces del escaneo con el teléfono. Al terminar, se suman a tu lista tres números de demostración con un día de historial.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="220"/>
        <source>&amp;Skip: show me the demo numbers</source>
        <translation>&amp;Omitir: ver los números de demostración</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="221"/>
        <source>Skip: show me the demo numbers</source>
        <translation>Omitir: ver los números de demostración</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="222"/>
        <source>Step 1 of 2: which number?</source>
        <translation>Paso 1 de 2: ¿qué número?</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="223"/>
        <source>WhatsApp &amp;number, with country code:</source>
        <translation>&amp;Número de WhatsApp, con código de país:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="224"/>
        <source>A &amp;name for it (optional):</source>
        <translation>Un n&amp;ombre para él (opcional):</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="225"/>
        <source>WhatsApp number, with country code</source>
        <translation>Número de WhatsApp, con código de país</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="226"/>
        <source>A name for it (optional)</source>
        <translation>Un nombre para él (opcional)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="227"/>
        <source>e.g. Shop front</source>
        <translation>p. ej. Mostrador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="228"/>
        <source>&amp;Back</source>
        <translation>&amp;Atrás</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="229"/>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="230"/>
        <source>&amp;Next: show the code</source>
        <translation>&amp;Siguiente: mostrar el código</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="231"/>
        <source>Next: show the code</source>
        <translation>Siguiente: mostrar el código</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="232"/>
        <source>&amp;Open my numbers</source>
        <translation>&amp;Abrir mis números</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="233"/>
        <source>Open my numbers</source>
        <translation>Abrir mis números</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="236"/>
        <source>Step 2 of 2: scan this code with the phone of +%1</source>
        <translation>Paso 2 de 2: escanea este código con el teléfono del +%1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="240"/>
        <source>Linked! +%1 is connected.</source>
        <translation>¡Vinculado! El +%1 está conectado.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="285"/>
        <source>Type the number with its country code and digits only, 8 to 15 of them (for example 51902049935).</source>
        <translation>Escribe el número con su código de país y solo dígitos, entre 8 y 15 (por ejemplo 51902049935).</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="330"/>
        <source>Making the first backup…</source>
        <translation>Haciendo la primera copia de seguridad…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/first_run.py" line="334"/>
        <source>First backup made at %1. If WhatsApp ever drops this computer, Lila can put it back from a backup instead of making you scan again.</source>
        <translation>Primera copia de seguridad hecha a las %1. Si WhatsApp alguna vez desconecta este ordenador, Lila puede recuperarlo desde una copia en vez de hacerte escanear otra vez.</translation>
    </message>
</context>
<context>
    <name>GuiApp</name>
    <message>
        <location filename="../../lila_desktop/ui/main.py" line="200"/>
        <location filename="../../lila_desktop/ui/main_window.py" line="73"/>
        <location filename="../../lila_desktop/ui/widgets/summary_bar.py" line="53"/>
        <source>Starting…</source>
        <translation>Arrancando…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main.py" line="400"/>
        <source>The demo numbers could not be prepared; see the log.</source>
        <translation>No se pudieron preparar los números de demostración; mira el registro.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main.py" line="385"/>
        <source>The local API is off.</source>
        <translation>La API local está apagada.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main.py" line="381"/>
        <source>Listening on %1. Changes apply from the next start.</source>
        <translation>Escuchando en %1. Los cambios se aplican al volver a abrir Lila.</translation>
    </message>
</context>
<context>
    <name>Hint</name>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="76"/>
        <source>Backups are failing (%1). Free some space or fix the data folder; Lila retries.</source>
        <translation>Las copias de seguridad están fallando (%1). Libera espacio o arregla la carpeta de datos; Lila lo vuelve a intentar.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="86"/>
        <source>Press Connect to start it.</source>
        <translation>Pulsa Conectar para ponerlo en marcha.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="87"/>
        <source>Connecting to WhatsApp…</source>
        <translation>Conectando con WhatsApp…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="88"/>
        <source>Press Link to show the QR code, then scan it with the phone.</source>
        <translation>Pulsa Vincular para ver el código QR y escanéalo con el teléfono.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="91"/>
        <source>Type the pairing code on the phone.</source>
        <translation>Escribe el código de vinculación en el teléfono.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="92"/>
        <source>Working normally.</source>
        <translation>Funciona con normalidad.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="93"/>
        <source>The connection dropped; Lila retries by itself.</source>
        <translation>Se cortó la conexión; Lila vuelve a intentarlo sola.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="96"/>
        <source>WhatsApp was opened on another computer. Press Reconnect now to take it back.</source>
        <translation>WhatsApp se abrió en otro ordenador. Pulsa Reconectar ahora para recuperarlo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="100"/>
        <source>WhatsApp paused this number for a while; Lila reconnects when it ends.</source>
        <translation>WhatsApp pausó este número un tiempo; Lila se reconecta cuando termine.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="103"/>
        <source>Restore a backup below, or link the number again.</source>
        <translation>Restaura una copia aquí abajo o vuelve a vincular el número.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="106"/>
        <source>Install the latest Lila Desktop.</source>
        <translation>Instala la última versión de Lila Desktop.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="107"/>
        <source>Something went wrong; see the log, then press Connect.</source>
        <translation>Algo falló; mira el registro y pulsa Conectar.</translation>
    </message>
</context>
<context>
    <name>KeyringProblemDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="27"/>
        <source>Lila Desktop cannot lock its safe</source>
        <translation>Lila Desktop no puede cerrar su caja fuerte</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="32"/>
        <source>&lt;b&gt;Your WhatsApp logins are kept encrypted, and the key is normally kept by the system keyring. The keyring did not answer:&lt;/b&gt;</source>
        <translation>&lt;b&gt;Tus sesiones de WhatsApp se guardan cifradas y la clave la guarda normalmente el llavero del sistema. El llavero no respondió:&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="43"/>
        <source>You can use a passphrase instead. Lila will ask for it every time it starts; without it the saved logins cannot be opened. Or quit and fix the keyring (log in to your desktop session, unlock the keyring), then start again.</source>
        <translation>Puedes usar una frase de contraseña en su lugar. Lila te la pedirá cada vez que arranque; sin ella no se pueden abrir las sesiones guardadas. O sal y arregla el llavero (inicia tu sesión de escritorio, desbloquea el llavero) y vuelve a abrir Lila.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="57"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Frase de contraseña:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="61"/>
        <source>&amp;Again:</source>
        <translation>&amp;Repetir:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="71"/>
        <source>&amp;Use this passphrase</source>
        <translation>&amp;Usar esta frase</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="74"/>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="95"/>
        <source>At least %1 characters, please.</source>
        <translation>Al menos %1 caracteres, por favor.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/keyring_dialog.py" line="98"/>
        <source>The two passphrases are not the same.</source>
        <translation>Las dos frases no coinciden.</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="131"/>
        <source>Add a number</source>
        <translation>Añadir un número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="131"/>
        <source>Link a number</source>
        <translation>Vincular un número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="134"/>
        <source>Type the WhatsApp number with its country code, digits only.</source>
        <translation>Escribe el número de WhatsApp con su código de país, solo dígitos.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="136"/>
        <source>&amp;Number:</source>
        <translation>&amp;Número:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="137"/>
        <source>N&amp;ame (optional):</source>
        <translation>N&amp;ombre (opcional):</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="138"/>
        <source>e.g. Shop front</source>
        <translation>p. ej. Mostrador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="139"/>
        <source>&amp;Next</source>
        <translation>&amp;Siguiente</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="140"/>
        <source>&amp;Close</source>
        <translation>&amp;Cerrar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="142"/>
        <source>Link %1</source>
        <translation>Vincular %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="163"/>
        <source>+%1 is already linked and connected.</source>
        <translation>+%1 ya está vinculado y conectado.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/link_dialog.py" line="178"/>
        <source>Type the number with its country code and digits only, 8 to 15 of them (for example 51902049935).</source>
        <translation>Escribe el número con su código de país y solo dígitos, de 8 a 15 (por ejemplo 51902049935).</translation>
    </message>
</context>
<context>
    <name>LinkPanel</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="124"/>
        <source>Link with &amp;phone number</source>
        <translation>Vincular con número de &amp;teléfono</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="126"/>
        <source>Show &amp;QR code</source>
        <translation>Mostrar código &amp;QR</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="129"/>
        <source>&amp;New code</source>
        <translation>&amp;Nuevo código</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="130"/>
        <source>New code</source>
        <translation>Nuevo código</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="131"/>
        <source>&amp;Simulate scan (demo)</source>
        <translation>&amp;Simular escaneo (demo)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="132"/>
        <source>Simulate scan (demo)</source>
        <translation>Simular escaneo (demo)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="133"/>
        <source>QR code to scan with the phone</source>
        <translation>Código QR para escanear con el teléfono</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="134"/>
        <source>Pairing code</source>
        <translation>Código de vinculación</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="138"/>
        <source>On the phone: WhatsApp › Settings › Linked devices › Link a device › Link with phone number instead, then type this code.</source>
        <translation>En el teléfono: WhatsApp › Ajustes › Dispositivos vinculados › Vincular un dispositivo › Vincular con el número de teléfono, y escribe este código.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="145"/>
        <source>On the phone: WhatsApp › Settings › Linked devices › Link a device, then point the camera at this code.</source>
        <translation>En el teléfono: WhatsApp › Ajustes › Dispositivos vinculados › Vincular un dispositivo, y apunta la cámara a este código.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="223"/>
        <source>This code expired.</source>
        <translation>Este código caducó.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="226"/>
        <source>Press New code to try again.</source>
        <translation>Pulsa Nuevo código para intentarlo otra vez.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="241"/>
        <source>Type it within %1 s</source>
        <translation>Escríbelo en menos de %1 s</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="243"/>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="251"/>
        <source>A new code is on its way…</source>
        <translation>Llega un código nuevo…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/link_panel.py" line="249"/>
        <source>New code in %1 s</source>
        <translation>Nuevo código en %1 s</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <location filename="../../lila_desktop/ui/models/logs.py" line="144"/>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/logs.py" line="145"/>
        <source>Level</source>
        <translation>Nivel</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/logs.py" line="146"/>
        <source>Number</source>
        <translation>Número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/logs.py" line="147"/>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="90"/>
        <source>&amp;Level:</source>
        <translation>&amp;Nivel:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="91"/>
        <source>N&amp;umber:</source>
        <translation>Nú&amp;mero:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="92"/>
        <source>&amp;Search:</source>
        <translation>&amp;Buscar:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="93"/>
        <source>words in the message</source>
        <translation>palabras del mensaje</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="94"/>
        <source>Log lines</source>
        <translation>Líneas del registro</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="96"/>
        <source>Everything</source>
        <translation>Todo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="97"/>
        <source>Info and above</source>
        <translation>Información y más</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="98"/>
        <source>Warnings and errors</source>
        <translation>Avisos y errores</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/log_view.py" line="99"/>
        <source>Errors only</source>
        <translation>Solo errores</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="223"/>
        <source>Lila Desktop</source>
        <translation>Lila Desktop</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="223"/>
        <source>demo</source>
        <translation>demostración</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="224"/>
        <source>&amp;Add number…</source>
        <translation>&amp;Añadir número…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="225"/>
        <source>Add a WhatsApp number and link it (Ctrl+N)</source>
        <translation>Añadir un número de WhatsApp y vincularlo (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="226"/>
        <source>&amp;Import session…</source>
        <translation>&amp;Importar sesión…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="227"/>
        <source>&amp;Settings…</source>
        <translation>A&amp;justes…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="228"/>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="229"/>
        <source>&amp;About Lila Desktop</source>
        <translation>&amp;Acerca de Lila Desktop</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="230"/>
        <source>&amp;Log</source>
        <translation>&amp;Registro</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="231"/>
        <location filename="../../lila_desktop/ui/widgets/bottom_tabs.py" line="126"/>
        <source>&amp;Backups</source>
        <translation>Co&amp;pias</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="232"/>
        <location filename="../../lila_desktop/ui/widgets/bottom_tabs.py" line="125"/>
        <source>&amp;Timeline</source>
        <translation>&amp;Historial</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="233"/>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="234"/>
        <source>&amp;Number</source>
        <translation>&amp;Número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="235"/>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="237"/>
        <source>&amp;Demo</source>
        <translation>&amp;Demo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="238"/>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="239"/>
        <source>Toolbar</source>
        <translation>Barra de herramientas</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="241"/>
        <source>Your WhatsApp numbers</source>
        <translation>Tus números de WhatsApp</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="355"/>
        <source>Select a number to see what it needs.</source>
        <translation>Elige un número para ver qué necesita.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/main_window.py" line="353"/>
        <source>No number yet. Press Add number (Ctrl+N) to link your first one.</source>
        <translation>Aún no hay números. Pulsa Añadir número (Ctrl+N) para vincular el primero.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/bottom_tabs.py" line="127"/>
        <source>Lo&amp;g</source>
        <translation>Re&amp;gistro</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/bottom_tabs.py" line="129"/>
        <source>Timeline, backups and log</source>
        <translation>Historial, copias de seguridad y registro</translation>
    </message>
</context>
<context>
    <name>Message</name>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="18"/>
        <source>timed out</source>
        <translation>tiempo agotado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="19"/>
        <source>connection closed</source>
        <translation>conexión cerrada</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="20"/>
        <source>WhatsApp server error</source>
        <translation>error del servidor de WhatsApp</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="21"/>
        <source>WhatsApp unavailable</source>
        <translation>WhatsApp no disponible</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="22"/>
        <source>restart requested by WhatsApp</source>
        <translation>WhatsApp pidió reiniciar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="25"/>
        <source>network error</source>
        <translation>error de red</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="26"/>
        <source>error</source>
        <translation>error</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="53"/>
        <source>Connection lost while linking (%1). Retrying by itself; a new QR code will show.</source>
        <translation>Se perdió la conexión durante la vinculación (%1). Lila reintenta sola; aparecerá un código QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="62"/>
        <source>Connection lost (%1). Reconnecting by itself; the saved login is kept, no QR needed.</source>
        <translation>Se perdió la conexión (%1). Lila se reconecta sola; el inicio de sesión guardado se conserva, no hace falta QR.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="70"/>
        <source>Lila&apos;s connection engine stopped unexpectedly and was restarted (on this laptop, not at WhatsApp or your internet). Reconnecting by itself; the saved login is kept, no QR needed.</source>
        <translation>El motor de conexión de Lila se detuvo de forma inesperada y se reinició (en esta laptop, no en WhatsApp ni en tu internet). Lila se reconecta sola; el inicio de sesión guardado se conserva, no hace falta QR.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="78"/>
        <source>Could not reach WhatsApp (%1). Retrying by itself. This number is not linked yet: a QR code to scan shows once WhatsApp answers.</source>
        <translation>No se pudo contactar a WhatsApp (%1). Se reintenta solo. Este número aún no está vinculado: un código QR para escanear aparece cuando WhatsApp responda.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="87"/>
        <source>Still not connected after %1 min (%2). Lila keeps retrying by itself; check this computer&apos;s internet connection.</source>
        <translation>Sigue sin conexión después de %1 min (%2). Lila sigue reintentando sola; revisa la conexión a internet de este ordenador.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="96"/>
        <source>The QR code expired before it was scanned. Press Link to get a new one.</source>
        <translation>El código QR caducó antes de escanearlo. Pulsa Vincular para obtener uno nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="100"/>
        <source>Connected again. Nothing to do.</source>
        <translation>Conectado de nuevo. No hay nada que hacer.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="103"/>
        <source>This number was opened in another WhatsApp Web or Desktop. Trying once more in %1 s.</source>
        <translation>Este número se abrió en otro WhatsApp Web o de escritorio. Se intentará una vez más en %1 s.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="111"/>
        <source>This number is open somewhere else (another computer or browser). Lila paused it so the two do not keep pushing each other out. Press Reconnect now to use it here.</source>
        <translation>Este número está abierto en otro sitio (otro ordenador o navegador). Lila lo pausó para que los dos no se expulsen mutuamente. Pulsa Reconectar ahora para usarlo aquí.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="120"/>
        <source>WhatsApp has temporarily blocked this number until %1. Lila reconnects by itself then; do not link it again. Sending fewer messages avoids this.</source>
        <translation>WhatsApp bloqueó temporalmente este número hasta el %1. Lila se reconectará sola entonces; no lo vuelvas a vincular. Enviar menos mensajes lo evita.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="129"/>
        <source>This number was logged out (%1), usually because it was removed from Linked devices on the phone. Press Restore to try the last backup, or link again with a new QR.</source>
        <translation>Se cerró la sesión de este número (%1), normalmente porque se quitó de Dispositivos vinculados en el teléfono. Pulsa Restaurar para probar la última copia, o vuelve a vincularlo con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="138"/>
        <source>WhatsApp ended this session right after asking for a restart (a known reconnect loop). Your backups are safe: press Restore to bring the last one back, or link again with a new QR.</source>
        <translation>WhatsApp cerró esta sesión justo después de pedir un reinicio (un bucle de reconexión conocido). Tus copias están a salvo: pulsa Restaurar para recuperar la última, o vuelve a vincular con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="145"/>
        <source>WhatsApp says this version of Lila Desktop is too old. Install the latest version; your numbers stay linked.</source>
        <translation>WhatsApp dice que esta versión de Lila Desktop es demasiado antigua. Instala la última versión; tus números siguen vinculados.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="152"/>
        <source>The saved login of this number could not be read (%1). It was moved aside, not deleted. Press Restore to use the last good backup, or link again with a new QR.</source>
        <translation>No se pudo leer el inicio de sesión guardado de este número (%1). Se apartó, no se borró. Pulsa Restaurar para usar la última copia buena, o vuelve a vincular con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="162"/>
        <source>The saved login of this number could not be read, and it could not be moved aside either (%1); nothing was deleted. Free some space or fix the data folder, then press Restore or link again with a new QR.</source>
        <translation>No se pudo leer el inicio de sesión guardado de este número, y tampoco se pudo apartar (%1); no se borró nada. Libera espacio o arregla la carpeta de datos y luego pulsa Restaurar o vuelve a vincularlo con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="172"/>
        <source>Backups of this number are failing (%1). Lila keeps trying; free some space or fix the data folder.</source>
        <translation>Las copias de seguridad de este número están fallando (%1). Lila sigue intentándolo; libera espacio o arregla la carpeta de datos.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="180"/>
        <source>You logged this number out. Link it again with a new QR, or restore a backup.</source>
        <translation>Cerraste la sesión de este número. Vuelve a vincularlo con un QR nuevo o restaura una copia.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="185"/>
        <source>You logged this number out. Link it again with a new QR, or restore a backup. WhatsApp could not be reached: also remove this device under Linked devices on the phone.</source>
        <translation>Cerraste la sesión de este número. Vuelve a vincularlo con un QR nuevo o restaura una copia. No se pudo avisar a WhatsApp: quita también este dispositivo en Dispositivos vinculados en el teléfono.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="193"/>
        <source>The list of numbers could not be read, so Lila rebuilt it from the saved logins: %1 number(s) are back. Nothing was lost.</source>
        <translation>No se pudo leer la lista de números, así que Lila la reconstruyó a partir de los inicios de sesión guardados: %1 número(s) han vuelto. No se perdió nada.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="202"/>
        <source>%1 of them have no name yet: select one and press F2 (Rename) to name it.</source>
        <translation>%1 aún no tienen nombre: selecciona uno y pulsa F2 (Renombrar) para ponérselo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="211"/>
        <source>The settings file could not be read; the last good copy is used. Check Settings.</source>
        <translation>No se pudo leer el archivo de ajustes; se usa la última copia buena. Revisa los Ajustes.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="216"/>
        <source>The settings file could not be read, so the defaults are used. Open Settings to choose your values again.</source>
        <translation>No se pudo leer el archivo de ajustes, así que se usan los valores predeterminados. Abre Ajustes para elegir de nuevo tus valores.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="222"/>
        <source>--demo runs on the simulated transport; drop --transport neonize.</source>
        <translation>--demo funciona con el transporte simulado; quita --transport neonize.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="227"/>
        <source>The API port (%1) must be a number from 1 to 65535, 0 to turn the local API off, or auto for any free port; got &apos;%2&apos;.</source>
        <translation>El puerto de la API (%1) debe ser un número de 1 a 65535, 0 para apagar la API local, o auto para cualquier puerto libre; se recibió &apos;%2&apos;.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="237"/>
        <source>LILA_API_KEY must be %1 to 256 printable characters without spaces; change it or unset it.</source>
        <translation>LILA_API_KEY debe tener de %1 a 256 caracteres imprimibles sin espacios; cámbiala o quítala.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="246"/>
        <source>LILA_VAULT_PASSPHRASE is empty: use at least %1 characters, or unset it to keep the key in the system keyring.</source>
        <translation>LILA_VAULT_PASSPHRASE está vacía: usa al menos %1 caracteres, o quítala para guardar la clave en el llavero del sistema.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="255"/>
        <source>LILA_VAULT_PASSPHRASE is too short: use at least %1 characters, or unset it to keep the key in the system keyring.</source>
        <translation>LILA_VAULT_PASSPHRASE es demasiado corta: usa al menos %1 caracteres, o quítala para guardar la clave en el llavero del sistema.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="264"/>
        <source>LILA_QUOTA_LIMIT must be a positive whole number of messages per month, e.g. 1000; got &apos;%1&apos;. Fix or unset LILA_QUOTA_LIMIT.</source>
        <translation>LILA_QUOTA_LIMIT debe ser un número entero positivo de mensajes al mes, p. ej. 1000; se recibió &apos;%1&apos;. Corrige o quita LILA_QUOTA_LIMIT.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="272"/>
        <source>LILA_MONGODB_URI is not a MongoDB connection string: copy it from the company portal (it starts with mongodb:// or mongodb+srv://), or unset it.</source>
        <translation>LILA_MONGODB_URI no es una cadena de conexión de MongoDB: cópiala del portal de la empresa (empieza por mongodb:// o mongodb+srv://), o quítala.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="278"/>
        <source>The company portal address kept in the system keyring is not a MongoDB connection string: set LILA_MONGODB_URI to the right one, or remove the keyring entry &apos;mongodb-uri&apos; of &apos;lila-desktop&apos;.</source>
        <translation>La dirección del portal de la empresa guardada en el llavero del sistema no es una cadena de conexión de MongoDB: pon la correcta en LILA_MONGODB_URI, o borra la entrada &apos;mongodb-uri&apos; de &apos;lila-desktop&apos; del llavero.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="286"/>
        <source>The data folder %1 is a file, not a folder: move that file away, or start with --data-dir pointing to a folder.</source>
        <translation>La carpeta de datos %1 es un archivo, no una carpeta: mueve ese archivo a otro sitio, o abre Lila con --data-dir apuntando a una carpeta.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="295"/>
        <source>The data folder %1 is a link or belongs to another user: start with --data-dir pointing to a folder of your own.</source>
        <translation>La carpeta de datos %1 es un enlace o pertenece a otro usuario: abre Lila con --data-dir apuntando a una carpeta tuya.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="304"/>
        <source>The data folder %1 cannot be created (%2): start with --data-dir pointing to a folder you can write to.</source>
        <translation>No se puede crear la carpeta de datos %1 (%2): abre Lila con --data-dir apuntando a una carpeta en la que puedas escribir.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="314"/>
        <source>The data folder %1 is not writable: give your user write permission on it, or start with --data-dir pointing to a folder you can write to.</source>
        <translation>No se puede escribir en la carpeta de datos %1: da permiso de escritura a tu usuario, o abre Lila con --data-dir apuntando a una carpeta en la que puedas escribir.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="323"/>
        <source>Port %1 is already in use (another Lila Desktop or lila-app?): stop it, or start with --api-port N for another port, or --api-port 0 to turn the API off.</source>
        <translation>El puerto %1 ya está en uso (¿otro Lila Desktop o lila-app?): ciérralo, o abre Lila con --api-port N para usar otro puerto, o --api-port 0 para apagar la API.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="333"/>
        <source>The local API cannot listen on port %1 (%2): start with --api-port N for another port, or --api-port 0 to turn the API off.</source>
        <translation>La API local no puede escuchar en el puerto %1 (%2): abre Lila con --api-port N para usar otro puerto, o --api-port 0 para apagar la API.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="343"/>
        <source>The disk that holds the data folder %1 is full: free some space on it and start Lila Desktop again. Nothing was lost.</source>
        <translation>El disco de la carpeta de datos %1 está lleno: libera algo de espacio y vuelve a abrir Lila Desktop. No se ha perdido nada.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/message_texts.py" line="352"/>
        <source>Lila Desktop cannot start: %1</source>
        <translation>Lila Desktop no puede arrancar: %1</translation>
    </message>
</context>
<context>
    <name>Notice</name>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="126"/>
        <source>%1 is still disconnected</source>
        <translation>%1 sigue desconectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="127"/>
        <source>%1 is connected again</source>
        <translation>%1 vuelve a estar conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="128"/>
        <source>%1 was opened elsewhere</source>
        <translation>%1 se abrió en otro lugar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="129"/>
        <source>%1 is temporarily banned</source>
        <translation>%1 está bloqueado temporalmente</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="130"/>
        <source>%1 was logged out</source>
        <translation>Se cerró la sesión de %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="131"/>
        <source>%1 needs an app update</source>
        <translation>%1 necesita actualizar la aplicación</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="132"/>
        <source>%1 had a damaged session file</source>
        <translation>%1 tenía un archivo de sesión dañado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="133"/>
        <source>The QR code for %1 expired</source>
        <translation>Caducó el código QR de %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="134"/>
        <source>Backups of %1 are failing</source>
        <translation>Las copias de seguridad de %1 están fallando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="149"/>
        <source>Lila keeps retrying. Check the internet connection.</source>
        <translation>Lila sigue intentándolo. Revisa la conexión a internet.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="152"/>
        <source>Nothing to do.</source>
        <translation>No tienes que hacer nada.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="153"/>
        <source>WhatsApp Web or another computer took over. Press Reconnect now to take it back.</source>
        <translation>WhatsApp Web u otro ordenador tomó el control. Pulsa Reconectar ahora para recuperarlo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="157"/>
        <source>Lila reconnects by itself when the ban ends.</source>
        <translation>Lila se reconecta sola cuando termine el bloqueo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="160"/>
        <source>Restore a backup, or link the number again.</source>
        <translation>Restaura una copia o vuelve a vincular el número.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="163"/>
        <source>Install the latest Lila Desktop.</source>
        <translation>Instala la última versión de Lila Desktop.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="166"/>
        <source>Restore the last good backup.</source>
        <translation>Restaura la última copia buena.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="167"/>
        <source>Press Link to get a new code.</source>
        <translation>Pulsa Vincular para obtener un código nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="170"/>
        <source>Free some space or fix the data folder; Lila keeps trying.</source>
        <translation>Libera espacio o arregla la carpeta de datos; Lila sigue intentándolo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="177"/>
        <source>%1 numbers need attention</source>
        <translation>%1 números necesitan atención</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="183"/>
        <source>%1 numbers are connected again</source>
        <translation>%1 números vuelven a estar conectados</translation>
    </message>
</context>
<context>
    <name>NumberPanel</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="139"/>
        <source>In this state since %1</source>
        <translation>En este estado desde %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="141"/>
        <source>Last backup: %1</source>
        <translation>Última copia: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="143"/>
        <source>No backup yet</source>
        <translation>Aún sin copia de seguridad</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="147"/>
        <source>Connected %1 of the last 24 hours</source>
        <translation>Conectado el %1 de las últimas 24 horas</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="155"/>
        <source>&amp;Link again (new QR code)</source>
        <translation>&amp;Vincular de nuevo (código QR nuevo)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="156"/>
        <source>&amp;Connect</source>
        <translation>&amp;Conectar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="157"/>
        <source>&amp;Take it back on this computer</source>
        <translation>&amp;Recuperarlo en este ordenador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/number_panel.py" line="158"/>
        <source>&amp;Try again now</source>
        <translation>&amp;Reintentar ahora</translation>
    </message>
</context>
<context>
    <name>OutboxView</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="204"/>
        <source>Select a number to see its outbox.</source>
        <translation>Elija un número para ver su bandeja de salida.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="211"/>
        <source>no messages yet</source>
        <translation>aún no hay mensajes</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="215"/>
        <source>Waiting messages are blocked: %1</source>
        <translation>Los mensajes en espera están bloqueados: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="218"/>
        <source>Next send at %1; all out in about %2 s.</source>
        <translation>Próximo envío a las %1; todo enviado en unos %2 s.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="225"/>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="303"/>
        <source>waiting</source>
        <translation>en espera</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="226"/>
        <source>sending</source>
        <translation>enviándose</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="227"/>
        <source>sent</source>
        <translation>enviados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="228"/>
        <source>delivered</source>
        <translation>entregados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="229"/>
        <source>read</source>
        <translation>leídos</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="230"/>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="303"/>
        <source>failed</source>
        <translation>fallidos</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="231"/>
        <source>unknown (may have arrived)</source>
        <translation>desconocidos (pueden haber llegado)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="232"/>
        <source>expired</source>
        <translation>caducados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="233"/>
        <source>cancelled</source>
        <translation>cancelados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="258"/>
        <source>Cancelled; it will not be sent.</source>
        <translation>Cancelado; no se enviará.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="264"/>
        <source>Queued again.</source>
        <translation>En cola de nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="297"/>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="297"/>
        <source>To</source>
        <translation>Para</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="297"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="297"/>
        <source>Message or reason</source>
        <translation>Mensaje o motivo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="299"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="300"/>
        <source>Send again</source>
        <translation>Enviar de nuevo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="301"/>
        <source>Webhook…</source>
        <translation>Webhook…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="302"/>
        <source>Sho&amp;w:</source>
        <translation>M&amp;ostrar:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="303"/>
        <source>all</source>
        <translation>todos</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="303"/>
        <source>unknown</source>
        <translation>desconocidos</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/outbox_view.py" line="315"/>
        <source>Outbox</source>
        <translation>Bandeja de salida</translation>
    </message>
</context>
<context>
    <name>QrView</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/qr_view.py" line="56"/>
        <source>Waiting for a code…</source>
        <translation>Esperando un código…</translation>
    </message>
</context>
<context>
    <name>QuotaMonitor</name>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="53"/>
        <source>Message quota unavailable: %1</source>
        <translation>Cupo de mensajes no disponible: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="61"/>
        <source>The company portal has no active company for this number, so sending is refused. Check the company id in Settings, or the number in the portal.</source>
        <translation>El portal de la empresa no tiene ninguna empresa activa para este número, así que no se envía nada. Revisa el identificador de la empresa en Ajustes, o el número en el portal.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="71"/>
        <source>Company portal unreachable — it has not told this computer the quota for this number yet; sending waits until it answers.</source>
        <translation>Portal de la empresa inaccesible: todavía no le ha dicho a este ordenador el cupo de este número; los envíos esperan hasta que responda.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="81"/>
        <source>The message quota could not be read: %1</source>
        <translation>No se pudo leer el cupo de mensajes: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="90"/>
        <source>local</source>
        <translation>local</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="92"/>
        <source>company portal</source>
        <translation>portal de la empresa</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="95"/>
        <source>Messages this month: %1 of %2 (%3)</source>
        <translation>Mensajes este mes: %1 de %2 (%3)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="102"/>
        <source>used up; sending is refused until next month.</source>
        <translation>agotado; no se envía nada hasta el mes que viene.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="109"/>
        <source>Company portal unreachable — sending within the last known quota</source>
        <translation>Portal de la empresa inaccesible: se envía dentro del último cupo conocido</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/quota_monitor.py" line="114"/>
        <source>Period %1 · company %2 · sent %3 · being sent %4 · left %5</source>
        <translation>Periodo %1 · empresa %2 · enviados %3 · enviándose %4 · quedan %5</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="32"/>
        <source>This number</source>
        <translation>Este número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="34"/>
        <source>Type the phone number with its country code, digits only, e.g. 51902049935.</source>
        <translation>Escribe el número de teléfono con su código de país, solo dígitos, p. ej. 51902049935.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="39"/>
        <source>%1 is not in the list. Add the number first.</source>
        <translation>%1 no está en la lista. Añade primero el número.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="43"/>
        <source>Start linking first: the number must be showing a QR code.</source>
        <translation>Empieza primero a vincular: el número debe estar mostrando un código QR.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="47"/>
        <source>%1 is not connected. Wait until it is connected, then try again.</source>
        <translation>%1 no está conectado. Espera a que se conecte y vuelve a intentarlo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="51"/>
        <source>The WhatsApp connection is restarting. Try again in a moment; Lila reconnects by itself.</source>
        <translation>La conexión con WhatsApp se está reiniciando. Vuelve a intentarlo en un momento; Lila se reconecta sola.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="57"/>
        <source>That backup is not there. Pick one from the list of backups, or link the number again with a new QR.</source>
        <translation>Esa copia no está. Elige una de la lista de copias, o vuelve a vincular el número con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="63"/>
        <source>The saved login could not be read. It was moved aside, not deleted: restore a backup, or link the number again with a new QR.</source>
        <translation>No se pudo leer el inicio de sesión guardado. Se apartó, no se borró: restaura una copia o vuelve a vincular el número con un QR nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="69"/>
        <source>The safe that keeps the logins is locked (system keyring). Unlock it, then try again.</source>
        <translation>La caja fuerte que guarda las sesiones está bloqueada (llavero del sistema). Desbloquéala y vuelve a intentarlo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="74"/>
        <source>The computer refused to write a file (%1). Free some disk space or check the data folder, then try again.</source>
        <translation>El ordenador no dejó escribir un archivo (%1). Libera espacio en el disco o revisa la carpeta de datos y vuelve a intentarlo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/refusals.py" line="81"/>
        <source>Lila could not do that: %1</source>
        <translation>Lila no pudo hacerlo: %1</translation>
    </message>
</context>
<context>
    <name>SendMessageDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="60"/>
        <source>Not sent: %1 is not connected (%2). Connect it, or link it again, and wait until it shows Connected; then send again.</source>
        <translation>No enviado: %1 no está conectado (%2). Conéctalo, o vuélvelo a vincular, y espera a que diga Conectado; luego envía otra vez.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="72"/>
        <source>Type the recipient&apos;s number with its country code, e.g. 51987654321 (or a WhatsApp id such as 51987654321@s.whatsapp.net).</source>
        <translation>Escribe el número del destinatario con su código de país, p. ej. 51987654321 (o un identificador de WhatsApp como 51987654321@s.whatsapp.net).</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="79"/>
        <source>The message is too long: %1 characters; at most %2.</source>
        <translation>El mensaje es demasiado largo: %1 caracteres; como máximo %2.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="85"/>
        <source>Write the message to send.</source>
        <translation>Escribe el mensaje que quieres enviar.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="100"/>
        <source>Not sent: this month&apos;s message quota is used up (%1 of %2 in %3; WHATSAPP_QUOTA_EXCEEDED).</source>
        <translation>No enviado: el cupo de mensajes de este mes está agotado (%1 de %2 en %3; WHATSAPP_QUOTA_EXCEEDED).</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="113"/>
        <source>Wait for next month, or raise the monthly limit in Settings.</source>
        <translation>Espera al mes que viene, o sube el límite mensual en Ajustes.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="121"/>
        <source>Wait for next month, or ask the company for a bigger plan.</source>
        <translation>Espera al mes que viene, o pide a la empresa un plan mayor.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="128"/>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="131"/>
        <source>Not sent: %1</source>
        <translation>No enviado: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="153"/>
        <source>Send a test message</source>
        <translation>Enviar un mensaje de prueba</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="156"/>
        <source>Sends a real WhatsApp message from %1. It counts against this month&apos;s message quota.</source>
        <translation>Envía un mensaje de WhatsApp de verdad desde %1. Cuenta para el cupo de mensajes de este mes.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="167"/>
        <source>e.g. 51987654321</source>
        <translation>p. ej. 51987654321</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="171"/>
        <source>Test message from Lila Desktop.</source>
        <translation>Mensaje de prueba de Lila Desktop.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="177"/>
        <source>&amp;To:</source>
        <translation>&amp;Para:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="180"/>
        <source>&amp;Message:</source>
        <translation>&amp;Mensaje:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="189"/>
        <source>&amp;Send</source>
        <translation>&amp;Enviar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="207"/>
        <source>%1 of %2 characters</source>
        <translation>%1 de %2 caracteres</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="229"/>
        <source>Sending…</source>
        <translation>Enviando…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="244"/>
        <source>Sent to %1 (message id %2).</source>
        <translation>Enviado a %1 (id. del mensaje %2).</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/send_dialog.py" line="246"/>
        <source>Queued for %1: it goes out once the number is connected (id %2).</source>
        <translation>En cola para %1: sale en cuanto el número esté conectado (id %2).</translation>
    </message>
</context>
<context>
    <name>SessionActions</name>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="96"/>
        <source>&amp;Link…</source>
        <translation>&amp;Vincular…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="97"/>
        <source>Show the QR code or pairing code to link this number</source>
        <translation>Mostrar el código QR o el código de vinculación para vincular este número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="99"/>
        <source>&amp;Connect</source>
        <translation>&amp;Conectar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="99"/>
        <source>Start this number</source>
        <translation>Poner en marcha este número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="102"/>
        <source>&amp;Disconnect</source>
        <translation>&amp;Desconectar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="103"/>
        <source>Stop this number; it stays off until you connect it</source>
        <translation>Detener este número; sigue apagado hasta que lo conectes</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="107"/>
        <source>Reconnect &amp;now</source>
        <translation>Reconectar &amp;ahora</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="108"/>
        <source>Try again now instead of waiting (also: take over)</source>
        <translation>Intentar ahora en vez de esperar (también: recuperarlo)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="112"/>
        <source>Send &amp;test message…</source>
        <translation>Enviar mensaje de &amp;prueba…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="113"/>
        <source>Send a WhatsApp message from this number to check it works (Ctrl+T)</source>
        <translation>Enviar un mensaje de WhatsApp desde este número para comprobar que funciona (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="115"/>
        <source>Re&amp;name…</source>
        <translation>Re&amp;nombrar…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="115"/>
        <source>Change the name shown for this number</source>
        <translation>Cambiar el nombre que se muestra para este número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="116"/>
        <source>Log &amp;out…</source>
        <translation>Cerrar &amp;sesión…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="116"/>
        <source>Unlink this computer from the number</source>
        <translation>Desvincular este ordenador del número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="117"/>
        <source>&amp;Remove…</source>
        <translation>&amp;Quitar…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="117"/>
        <source>Remove the number from Lila</source>
        <translation>Quitar el número de Lila</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="124"/>
        <source>Test message</source>
        <translation>Mensaje de prueba</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="126"/>
        <source>Drop the connection</source>
        <translation>Cortar la conexión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="127"/>
        <source>WhatsApp logs the number out</source>
        <translation>WhatsApp cierra la sesión del número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="128"/>
        <source>Opened on another computer</source>
        <translation>Abierto en otro ordenador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="129"/>
        <source>Temporary ban (2 min)</source>
        <translation>Bloqueo temporal (2 min)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="130"/>
        <source>Internet down (all numbers)</source>
        <translation>Sin internet (todos los números)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="131"/>
        <source>Internet back (all numbers)</source>
        <translation>Vuelve internet (todos los números)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="196"/>
        <source>Rename +%1</source>
        <translation>Renombrar +%1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="197"/>
        <source>Name shown for this number:</source>
        <translation>Nombre que se muestra para este número:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="211"/>
        <source>Log out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="212"/>
        <source>Log %1 out of WhatsApp on this computer?</source>
        <translation>¿Cerrar la sesión de WhatsApp de %1 en este ordenador?</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="216"/>
        <source>A backup is taken first. To use the number here again you scan a new QR code (or restore the backup, if the phone still lists this computer).</source>
        <translation>Antes se hace una copia. Para volver a usar el número aquí escaneas un código QR nuevo (o restauras la copia, si el teléfono aún muestra este ordenador).</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="219"/>
        <source>&amp;Log out</source>
        <translation>Cerrar &amp;sesión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="232"/>
        <source>Remove number</source>
        <translation>Quitar número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="233"/>
        <source>Remove %1 from Lila?</source>
        <translation>¿Quitar %1 de Lila?</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="235"/>
        <source>Its backups are kept, so you can bring it back later, unless you tick the box.</source>
        <translation>Sus copias se conservan para poder recuperarlo más tarde, salvo que marques la casilla.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="237"/>
        <source>Delete its backups too</source>
        <translation>Borrar también sus copias</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/session_actions.py" line="238"/>
        <source>&amp;Remove</source>
        <translation>&amp;Quitar</translation>
    </message>
</context>
<context>
    <name>SessionTableModel</name>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="80"/>
        <source>Number</source>
        <translation>Número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="81"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="82"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="83"/>
        <source>Since</source>
        <translation>Desde hace</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="84"/>
        <source>Next retry</source>
        <translation>Próximo intento</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="85"/>
        <source>Last backup</source>
        <translation>Última copia</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="86"/>
        <source>Uptime 24 h</source>
        <translation>Conexión 24 h</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="207"/>
        <source>now</source>
        <translation>ahora</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="208"/>
        <source>in %1</source>
        <translation>en %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="212"/>
        <source>after %1</source>
        <translation>después de las %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/models/sessions.py" line="225"/>
        <source>Share of the last 24 hours this number was connected</source>
        <translation>Parte de las últimas 24 horas en que este número estuvo conectado</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="92"/>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="107"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="109"/>
        <source>Start Lila Desktop when I log in</source>
        <translation>Abrir Lila Desktop al iniciar sesión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="114"/>
        <source>Not available on this system.</source>
        <translation>No disponible en este sistema.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="115"/>
        <source>Tell me when a number needs me or recovers</source>
        <translation>Avisarme cuando un número me necesite o se recupere</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="120"/>
        <source>Mark my messages as sent by a bot (customers see an AI/bot label)</source>
        <translation>Marcar mis mensajes como enviados por un bot (los clientes ven una etiqueta de IA/bot)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="124"/>
        <source>Off: your messages look like any person&apos;s. Applies from the next start.</source>
        <translation>Desactivado: sus mensajes se ven como los de cualquier persona. Se aplica desde el próximo inicio.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="130"/>
        <source>Same as the system</source>
        <translation>El del sistema</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="140"/>
        <source>&amp;Backups kept per number:</source>
        <translation>&amp;Copias que se guardan por número:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="143"/>
        <source>Tell me after a number is down for:</source>
        <translation>Avisarme cuando un número lleve caído:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="149"/>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="151"/>
        <source>Backups kept and the waiting time apply from the next start.</source>
        <translation>Las copias guardadas y el tiempo de espera se aplican al volver a abrir Lila.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="158"/>
        <source>Let the shop&apos;s other programs use Lila (local API)</source>
        <translation>Dejar que otros programas del negocio usen Lila (API local)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="171"/>
        <source>not available</source>
        <translation>no disponible</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="172"/>
        <source>S&amp;how</source>
        <translation>&amp;Mostrar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="175"/>
        <source>&amp;Copy</source>
        <translation>&amp;Copiar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="198"/>
        <source>Data folder:</source>
        <translation>Carpeta de datos:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="204"/>
        <source>&amp;General</source>
        <translation>&amp;General</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="205"/>
        <source>Local &amp;API</source>
        <translation>&amp;API local</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="206"/>
        <source>&amp;Messages</source>
        <translation>Me&amp;nsajes</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="230"/>
        <source> messages</source>
        <translation> mensajes</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="233"/>
        <source>Monthly &amp;limit (local):</source>
        <translation>&amp;Límite mensual (local):</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="238"/>
        <source>LILA_QUOTA_LIMIT is set to %1 and overrides this limit.</source>
        <translation>LILA_QUOTA_LIMIT vale %1 y manda sobre este límite.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="247"/>
        <source>empty: count messages on this computer</source>
        <translation>vacío: contar los mensajes en este ordenador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="248"/>
        <source>Sho&amp;w</source>
        <translation>Mos&amp;trar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="254"/>
        <source>Company &amp;portal (MongoDB URI):</source>
        <translation>&amp;Portal de la empresa (URI de MongoDB):</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="264"/>
        <source>LILA_MONGODB_URI is set and overrides this address.</source>
        <translation>LILA_MONGODB_URI está definida y manda sobre esta dirección.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="269"/>
        <source>optional: found by the sending number</source>
        <translation>opcional: se busca por el número que envía</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="270"/>
        <source>Company &amp;id:</source>
        <translation>Identificador de la &amp;empresa:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="274"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="277"/>
        <source>&amp;Pause between messages:</source>
        <translation>&amp;Pausa entre mensajes:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="283"/>
        <source>WhatsApp may ban a number that sends many messages in a burst. Lila waits at least this long between two messages of the same number (up to half as long again, at random); the others wait their turn in the outbox. 3 seconds suits most shops; applies at once.</source>
        <translation>WhatsApp puede bloquear un número que envía muchos mensajes de golpe. Lila espera al menos este tiempo entre dos mensajes del mismo número (hasta la mitad más, al azar); los demás esperan su turno en la bandeja de salida. 3 segundos va bien para la mayoría de tiendas; se aplica al momento.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="294"/>
        <source>Without a portal address, messages count against the monthly limit on this computer; with one, against the company&apos;s plan in the portal. The address is kept in the system keyring, never in a file. The limit applies at once; the address and the company id from the next start.</source>
        <translation>Sin dirección del portal, los mensajes cuentan para el límite mensual de este ordenador; con ella, para el plan de la empresa en el portal. La dirección se guarda en el llavero del sistema, nunca en un archivo. El límite se aplica enseguida; la dirección y el identificador de la empresa, al volver a abrir Lila.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="311"/>
        <source>&amp;Webhook:</source>
        <translation>&amp;Webhook:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="316"/>
        <source>Optional. A webhook tells the shop&apos;s own system what happens to each message (waiting, sent, delivered, read, failed): Lila sends every change to that web address, signed so your system can trust it. An address on this computer or the shop&apos;s network (localhost, 192.168…) is refused unless you tick it explicitly. Changes apply at once, without Save.</source>
        <translation>Opcional. Un webhook avisa al sistema de la tienda de lo que pasa con cada mensaje (en espera, enviado, entregado, leído, fallido): Lila envía cada cambio a esa dirección web, firmado para que su sistema pueda fiarse. Una dirección de este equipo o de la red de la tienda (localhost, 192.168…) se rechaza salvo que la marque expresamente. Los cambios se aplican al momento, sin Guardar.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="379"/>
        <source>The company portal address must start with mongodb:// or mongodb+srv://; copy the connection string from the company portal.</source>
        <translation>La dirección del portal de la empresa debe empezar por mongodb:// o mongodb+srv://; copia la cadena de conexión del portal de la empresa.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="187"/>
        <source>&amp;Port:</source>
        <translation>&amp;Puerto:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="188"/>
        <source>API &amp;key:</source>
        <translation>&amp;Clave de la API:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/settings_dialog.py" line="349"/>
        <source>Copied</source>
        <translation>Copiada</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="115"/>
        <source>All numbers connected</source>
        <translation>Todos los números conectados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="116"/>
        <source>No number running</source>
        <translation>Ningún número en marcha</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="117"/>
        <source>Some numbers are connecting</source>
        <translation>Algunos números se están conectando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="118"/>
        <source>A number needs you</source>
        <translation>Un número te necesita</translation>
    </message>
</context>
<context>
    <name>StartError</name>
    <message>
        <location filename="../../lila_desktop/ui/start_error.py" line="22"/>
        <source>Lila Desktop could not start.</source>
        <translation>Lila Desktop no pudo iniciarse.</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="33"/>
        <source>Stopped</source>
        <translation>Detenido</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="34"/>
        <source>Connecting</source>
        <translation>Conectando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="35"/>
        <source>Waiting for QR scan</source>
        <translation>Esperando escaneo del QR</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="36"/>
        <source>Waiting for pairing code</source>
        <translation>Esperando código de vinculación</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="37"/>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="38"/>
        <source>Reconnecting</source>
        <translation>Reconectando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="39"/>
        <source>Opened elsewhere</source>
        <translation>Abierto en otro lugar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="40"/>
        <source>Temporarily banned</source>
        <translation>Bloqueado temporalmente</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="41"/>
        <source>Logged out</source>
        <translation>Sesión cerrada</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="42"/>
        <source>App update needed</source>
        <translation>Hay que actualizar la aplicación</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="43"/>
        <source>Failed</source>
        <translation>Falló</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="54"/>
        <source>%1 (attempt %2)</source>
        <translation>%1 (intento %2)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="65"/>
        <source>%1 — backup failing</source>
        <translation>%1 — copia de seguridad fallando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="69"/>
        <source>backups failing: %1</source>
        <translation>copias de seguridad fallando: %1</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="196"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="198"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="202"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/texts.py" line="206"/>
        <source>%1 days</source>
        <translation>%1 días</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="24"/>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="25"/>
        <source>Connecting or retrying</source>
        <translation>Conectando o reintentando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="26"/>
        <source>Needed you</source>
        <translation>Te necesitaba</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="27"/>
        <source>Stopped</source>
        <translation>Detenido</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="28"/>
        <source>Lila was not running</source>
        <translation>Lila no estaba abierto</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="29"/>
        <source>Not in Lila yet</source>
        <translation>Aún no estaba en Lila</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="36"/>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="38"/>
        <source>the phone removed this computer</source>
        <translation>el teléfono quitó este ordenador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="37"/>
        <source>WhatsApp refused the login</source>
        <translation>WhatsApp rechazó el inicio de sesión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="39"/>
        <source>WhatsApp paused the number</source>
        <translation>WhatsApp pausó el número</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="40"/>
        <source>this app needs an update</source>
        <translation>esta aplicación necesita actualizarse</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="41"/>
        <source>the connection timed out</source>
        <translation>la conexión agotó el tiempo de espera</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="42"/>
        <source>WhatsApp closed the connection</source>
        <translation>WhatsApp cerró la conexión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="43"/>
        <source>opened on another computer</source>
        <translation>abierto en otro ordenador</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="44"/>
        <source>WhatsApp had a problem</source>
        <translation>WhatsApp tuvo un problema</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="45"/>
        <source>WhatsApp was unavailable</source>
        <translation>WhatsApp no estaba disponible</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="46"/>
        <source>WhatsApp asked to reconnect</source>
        <translation>WhatsApp pidió reconectar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="52"/>
        <source>the internet connection was lost</source>
        <translation>se perdió la conexión a internet</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="54"/>
        <source>Lila&apos;s connection helper restarted</source>
        <translation>el asistente de conexión de Lila se reinició</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="56"/>
        <source>code %1</source>
        <translation>código %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="57"/>
        <source>no reason given</source>
        <translation>sin motivo indicado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="62"/>
        <source>24 hours</source>
        <translation>24 horas</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="63"/>
        <source>%1 days</source>
        <translation>%1 días</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="71"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="77"/>
        <source>No number linked yet</source>
        <translation>Aún no hay ningún número vinculado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="85"/>
        <source>1 number needs you</source>
        <translation>1 número te necesita</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="87"/>
        <source>%1 numbers need you</source>
        <translation>%1 números te necesitan</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="94"/>
        <source>%1 of %2 connected, the rest on their way</source>
        <translation>%1 de %2 conectados, el resto en camino</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="100"/>
        <source>All numbers are stopped</source>
        <translation>Todos los números están detenidos</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="103"/>
        <source>%1 of %2 connected, %3 stopped by you</source>
        <translation>%1 de %2 conectados, %3 detenidos por ti</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="110"/>
        <source>Your number is connected</source>
        <translation>Tu número está conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="112"/>
        <source>Both numbers connected</source>
        <translation>Los dos números conectados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="114"/>
        <source>All %1 numbers connected</source>
        <translation>Los %1 números conectados</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="124"/>
        <source>Green circle: connected</source>
        <translation>Círculo verde: conectado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="125"/>
        <source>Grey square: stopped</source>
        <translation>Cuadrado gris: detenido</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="126"/>
        <source>Amber diamond: connecting or retrying by itself</source>
        <translation>Rombo ámbar: conectando o reintentando por sí solo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="129"/>
        <source>Red triangle: needs you</source>
        <translation>Triángulo rojo: te necesita</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="136"/>
        <source>link it again</source>
        <translation>vincúlalo de nuevo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="137"/>
        <source>take it back</source>
        <translation>recupéralo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="138"/>
        <source>press Connect</source>
        <translation>pulsa Conectar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/timeline_texts.py" line="139"/>
        <source>update Lila</source>
        <translation>actualiza Lila</translation>
    </message>
</context>
<context>
    <name>TimelineCanvas</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="155"/>
        <source>Dropped at %1: %2</source>
        <translation>Se cayó a las %1: %2</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="166"/>
        <source>Backup of %1 (%2). Click to restore it.</source>
        <translation>Copia de %1 (%2). Haz clic para restaurarla.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="176"/>
        <source>Backup of %1; no longer kept (older backups make room).</source>
        <translation>Copia de %1; ya no se guarda (las copias antiguas dejan sitio).</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="188"/>
        <source>Restored at %1</source>
        <translation>Restaurado a las %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="190"/>
        <source>Restore tried at %1; WhatsApp did not accept it</source>
        <translation>Restauración intentada a las %1; WhatsApp no la aceptó</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="199"/>
        <source>%1 from %2 to %3 (%4)</source>
        <translation>%1 de %2 a %3 (%4)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_canvas.py" line="216"/>
        <source>No history yet.</source>
        <translation>Aún no hay historial.</translation>
    </message>
</context>
<context>
    <name>TimelinePanel</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="132"/>
        <source>Show the last %1</source>
        <translation>Mostrar las últimas %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="139"/>
        <source>connection dropped</source>
        <translation>conexión caída</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="140"/>
        <source>backup (click to restore)</source>
        <translation>copia (clic para restaurar)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="143"/>
        <source>Timeline of connections and backups</source>
        <translation>Historial de conexiones y copias de seguridad</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="181"/>
        <source>Select a number to see its timeline.</source>
        <translation>Elige un número para ver su historial.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="183"/>
        <source>No history of +%1 yet.</source>
        <translation>Aún no hay historial del +%1.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="186"/>
        <source>+%1, last %2: not linked yet</source>
        <translation>+%1, últimas %2: aún sin vincular</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="192"/>
        <source>+%1, last %2: connected %3 of the time</source>
        <translation>+%1, últimas %2: conectado el %3 del tiempo</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/timeline_panel.py" line="201"/>
        <source>Backup of %1 (%2): press Enter to restore it.</source>
        <translation>Copia de %1 (%2): pulsa Intro para restaurarla.</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="35"/>
        <source>Export +%1</source>
        <translation>Exportar +%1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="37"/>
        <source>Import a session</source>
        <translation>Importar una sesión</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="43"/>
        <source>Saves this number&apos;s login, encrypted with a passphrase you choose, to move it to another computer. Keep the file and the passphrase apart.</source>
        <translation>Guarda la sesión de este número, cifrada con una frase que tú eliges, para llevarla a otro ordenador. Guarda el archivo y la frase por separado.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="48"/>
        <source>Brings in a number exported from another computer. Close Lila on that computer first: one number must not run in two places.</source>
        <translation>Trae un número exportado desde otro ordenador. Cierra antes Lila en ese ordenador: un número no debe funcionar en dos sitios.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="54"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Examinar…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="66"/>
        <source>&amp;File:</source>
        <translation>&amp;Archivo:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="69"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Frase de contraseña:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="73"/>
        <source>&amp;Again:</source>
        <translation>&amp;Repetir:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="84"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="84"/>
        <source>&amp;Import</source>
        <translation>&amp;Importar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="116"/>
        <source>Lila sessions (*%1)</source>
        <translation>Sesiones de Lila (*%1)</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="128"/>
        <source>Choose a file.</source>
        <translation>Elige un archivo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="131"/>
        <source>The passphrase needs at least %1 characters.</source>
        <translation>La frase necesita al menos %1 caracteres.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/dialogs/transfer_dialogs.py" line="136"/>
        <source>The two passphrases are not the same.</source>
        <translation>Las dos frases no coinciden.</translation>
    </message>
</context>
<context>
    <name>TrayController</name>
    <message>
        <location filename="../../lila_desktop/ui/tray.py" line="92"/>
        <source>&amp;Open Lila Desktop</source>
        <translation>&amp;Abrir Lila Desktop</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/tray.py" line="93"/>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
</context>
<context>
    <name>WebhookDialog</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="39"/>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="44"/>
        <source>Lila can tell the shop&apos;s system about every message: queued, sent, delivered, read, failed… Each change is sent to this address as JSON, signed with a secret (header X-Lila-Signature), and sent again until your server accepts it.</source>
        <translation>Lila puede avisar al sistema de la tienda de cada mensaje: en cola, enviado, entregado, leído, fallido… Cada cambio se envía a esta dirección como JSON, firmado con un secreto (cabecera X-Lila-Signature), y se reenvía hasta que su servidor lo acepte.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="56"/>
        <source>Allow an address on this computer or the shop&apos;s network</source>
        <translation>Permitir una dirección de este equipo o de la red de la tienda</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="62"/>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="71"/>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="74"/>
        <source>Turn off</source>
        <translation>Desactivar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="77"/>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="81"/>
        <source>Address:</source>
        <translation>Dirección:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="83"/>
        <source>Secret:</source>
        <translation>Secreto:</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="103"/>
        <source>Webhook on. Save again to get a new secret.</source>
        <translation>Webhook activo. Guarde de nuevo para obtener un secreto nuevo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="140"/>
        <source>Saved. Copy the secret into your server to check the signatures.</source>
        <translation>Guardado. Copie el secreto en su servidor para comprobar las firmas.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="149"/>
        <source>Webhook off: nothing more is sent.</source>
        <translation>Webhook desactivado: no se envía nada más.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="153"/>
        <source>Copied</source>
        <translation>Copiado</translation>
    </message>
</context>
<context>
    <name>WebhookSetting</name>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="177"/>
        <source>Addresses on this computer or the shop&apos;s network are allowed.</source>
        <translation>Se permiten direcciones de este equipo o de la red de la tienda.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="190"/>
        <source>can be set once Lila has started</source>
        <translation>se puede configurar cuando Lila haya arrancado</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="197"/>
        <source>not set</source>
        <translation>sin configurar</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="200"/>
        <source>Change…</source>
        <translation>Cambiar…</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/widgets/webhook_dialog.py" line="200"/>
        <source>Set up…</source>
        <translation>Configurar…</translation>
    </message>
</context>
<context>
    <name>WindowController</name>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="127"/>
        <source>Lila Desktop is still running</source>
        <translation>Lila Desktop sigue funcionando</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="129"/>
        <source>Your numbers stay connected. Open the window from this icon; quit from its menu.</source>
        <translation>Tus números siguen conectados. Abre la ventana desde este icono; para salir, usa su menú.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="193"/>
        <source>The message quota is still starting; try again in a moment.</source>
        <translation>El cupo de mensajes todavía se está preparando; inténtalo de nuevo en un momento.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="196"/>
        <source>The outbox is still starting; try again in a moment.</source>
        <translation>La bandeja de salida aún se está iniciando; inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="221"/>
        <source>+%1 was imported and is connecting.</source>
        <translation>+%1 se importó y se está conectando.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="236"/>
        <source>Exported +%1 to %2. Keep the passphrase apart from the file.</source>
        <translation>Se exportó +%1 a %2. Guarda la frase separada del archivo.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="277"/>
        <source>The company portal can be set once Lila has started.</source>
        <translation>El portal de la empresa se puede configurar cuando Lila haya terminado de arrancar.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="286"/>
        <source>There is no system keyring on this computer to keep the portal address; set the environment variable LILA_MONGODB_URI instead.</source>
        <translation>Este ordenador no tiene llavero del sistema donde guardar la dirección del portal; define en su lugar la variable de entorno LILA_MONGODB_URI.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="290"/>
        <source>The system keyring is not available, so the portal address cannot be read or changed here. Unlock the keyring (GNOME Keyring, KWallet, Keychain or Credential Manager) and open Settings again, or set the environment variable LILA_MONGODB_URI.</source>
        <translation>El llavero del sistema no está disponible, así que aquí no se puede leer ni cambiar la dirección del portal. Desbloquea el llavero (GNOME Keyring, KWallet, Llavero de macOS o Administrador de credenciales) y vuelve a abrir Ajustes, o define la variable de entorno LILA_MONGODB_URI.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="307"/>
        <source>The company portal address was not saved: %1</source>
        <translation>No se guardó la dirección del portal de la empresa: %1</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="312"/>
        <source>The company portal address was saved; it applies from the next start.</source>
        <translation>Se guardó la dirección del portal de la empresa; se aplica al volver a abrir Lila.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="315"/>
        <source>The company portal address was removed; from the next start messages count against the local limit.</source>
        <translation>Se quitó la dirección del portal de la empresa; al volver a abrir Lila, los mensajes cuentan para el límite local.</translation>
    </message>
    <message>
        <location filename="../../lila_desktop/ui/controller.py" line="328"/>
        <source>Settings could not be saved: %1</source>
        <translation>No se pudieron guardar los ajustes: %1</translation>
    </message>
</context>
</TS>
