; Lotbook — Inno Setup 6 script: a per-machine installer for the frozen bundle.
;
; Input: dist\lotbook\ built ON WINDOWS by the same spec (packaging\lotbook.spec), holding
; lotbook.exe, _internal\ and lotbook-manifest.json. Build (see packaging\README.md):
;
;   iscc /DAppVersion=0.1.0 packaging\windows\lotbook.iss
;   iscc /DAppVersion=0.1.0 /DSignToolName=sitesign ^
;        "/Ssitesign=signtool.exe sign /fd SHA256 /td SHA256 /tr http://timestamp.example /sha1 THUMBPRINT $f" ^
;        packaging\windows\lotbook.iss
;
; → dist\lotbook-<version>-setup.exe
;
; What it installs:
;   {autopf}\Lotbook\              the bundle (C:\Program Files\Lotbook), read-only for users
;   Start menu\Lotbook\Lotbook     shortcut to lotbook.exe (the app; its console window is hidden
;                                  at start, see the spec's hide_console)
;   {commonappdata}\Lotbook\       the site data folder (C:\ProgramData\Lotbook): database, logs,
;                                  backups before migrations; users may modify; NEVER uninstalled
;   LOTBOOK_DATA_DIR               machine environment variable pointing the app at that folder
;                                  (core/paths.py reads it; no change to the app needed)
;
; WINDOWS CHECKS (this script cannot be built or run on the Linux build machine; check on the
; first Windows build):
;   - the executable is dist\lotbook\lotbook.exe (EXE name "lotbook" in the spec);
;   - the Qt platform plugin is there: dist\lotbook\_internal\PySide6\plugins\platforms\qwindows.dll
;     (the spec's trimming keeps it; a missing one shows "no Qt platform plugin could be
;     initialized");
;   - time zones: Windows has no system tz database, zoneinfo needs the tzdata package
;     (requirements.lock pins it for win32; PyInstaller's zoneinfo hook collects it): check
;     _internal\tzdata\zoneinfo\Europe\Paris exists and `lotbook settings set time_zone
;     Europe/Paris --reason check --user ADMIN` works;
;   - `lotbook.exe --help` in cmd prints the commands, and `lotbook.exe self-test` passes;
;   - the Start-menu shortcut opens the login window without a console window flashing.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=x.y.z lotbook.iss (pyproject.toml [project] version)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\lotbook"
#endif
#define AppExe "lotbook.exe"

[Setup]
; AppId identifies Lotbook across versions (upgrades replace the program in place): never change it.
AppId={{085BFFF2-E1FD-4273-B7DE-B03FBBDF5377}
AppName=Lotbook
AppVersion={#AppVersion}
AppVerName=Lotbook {#AppVersion}
AppPublisher=Lotbook
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Lotbook
DefaultGroupName=Lotbook
DisableProgramGroupPage=yes
; per machine: Program Files and ProgramData need an administrator
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=lotbook-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\lotbook.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=Lotbook {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; the machine environment changes (LOTBOOK_DATA_DIR): tell running programs (Explorer)
ChangesEnvironment=yes
CloseApplications=yes

; Code signing with the site's certificate. Define a sign tool named "sitesign", either in the
; Inno Setup IDE (Tools > Configure Sign Tools) or on the command line with /S, for example:
;   /Ssitesign=signtool.exe sign /fd SHA256 /td SHA256 /tr <RFC 3161 timestamp URL> /sha1 <thumbprint of the site's code-signing certificate in the machine or user store> $f
; or with a PFX file: signtool.exe sign /fd SHA256 /f C:\keys\site-codesign.pfx /p <password> $f
; (an offline site without a timestamp server: leave out /tr and /td; the signature then ends
; with the certificate's validity). Then build with /DSignToolName=sitesign: the setup and the
; uninstaller are signed. lotbook.exe itself is NOT signed here: signing changes its bytes, and
; lotbook-manifest.json lists its SHA-256. Sign dist\lotbook\lotbook.exe BEFORE writing the
; manifest (packaging\README.md, "Windows").
#ifdef SignToolName
SignTool={#SignToolName}
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Dirs]
; The site data folder: every user of the PC may write the database and logs. Kept on uninstall
; (uninsneveruninstall): GMP records are removed, if ever, by the site's QA under its retention
; procedure, never by an uninstaller.
Name: "{commonappdata}\Lotbook"; Permissions: users-modify; Flags: uninsneveruninstall

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; the example site configuration, for reference (LOTBOOK_DB for a PostgreSQL build)
Source: "..\linux\lotbook.env.example"; DestDir: "{app}"; DestName: "lotbook.env.example.txt"; Flags: ignoreversion

[Icons]
Name: "{group}\Lotbook"; Filename: "{app}\{#AppExe}"; WorkingDir: "{commonappdata}\Lotbook"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\Uninstall Lotbook"; Filename: "{uninstallexe}"

[Registry]
; Point the app at the site data folder for every user (core/paths.py: LOTBOOK_DATA_DIR).
; createvalueifdoesntexist: a site that already set LOTBOOK_DATA_DIR (e.g. a folder elsewhere)
; keeps its value. The value (not the folder) is removed on uninstall.
; To use another database (LOTBOOK_DB), set that machine variable the same way by hand or by
; group policy; a PostgreSQL URL needs a bundle built with LOTBOOK_BUNDLE_POSTGRES=1.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "LOTBOOK_DATA_DIR"; ValueData: "{commonappdata}\Lotbook"; Flags: createvalueifdoesntexist uninsdeletevalue

[Run]
; The installation is checked afterwards by the site (IQ): `lotbook.exe self-test` and
; `lotbook.exe validate` in cmd, not silently by the installer.
Filename: "{app}\{#AppExe}"; Description: "Start Lotbook"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Deliberately empty for data: {commonappdata}\Lotbook (the site database, logs, migration
; backups) and each user's %LOCALAPPDATA%\Lotbook are NEVER listed here. Uninstalling removes
; the program files only. Python never writes bytecode into the bundle (runtime hook), so the
; program folder holds exactly what was installed.
