; 党员教育培训管理系统 (dangxun): Windows installer, Inno Setup 6.
; Build on Windows (see installer/README.md):
;   python installer\build_bundle.py        -> dist\dangxun\ and installer\windows\version.iss
;   ISCC.exe installer\windows\dangxun.iss  -> dist\dangxun-<version>-setup.exe
; The version comes from services/version.py through version.iss, or from ISCC /DAppVersion=X.Y.Z.
; Saved as UTF-8 with a byte-order mark: Inno Setup then reads the Chinese text correctly.

#ifndef AppVersion
  #include "version.iss"
#endif
#define AppName "党员教育培训管理系统"
#define AppExe "dangxun.exe"
#define BundleDir "..\..\dist\dangxun"
#ifexist "ChineseSimplified.isl"
  #define ChineseIsl "ChineseSimplified.isl"
#else
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#endif

[Setup]
; Never change AppId: it is how a newer installer finds and upgrades the installed program in place.
AppId={{5C7E2A9B-3F41-4D8E-9B6A-D4A1E0C2F7B3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=党员教育培训管理系统
DefaultDirName={autopf}\dangxun
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousGroup=yes
; Per-machine by default; a clerk without administrator rights may install for herself alone.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=dangxun-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\dangxun.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; An upgrade closes a running copy first (the database stays consistent: every write is a transaction).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"

[CustomMessages]
chinesesimplified.DataKept=您的数据（数据库与备份）保存在 %1，卸载不会删除它们。如不再需要，可手动删除该文件夹。
chinesesimplified.UninstallProgram=卸载 %1
chinesesimplified.CreateDesktopIcon=创建桌面快捷方式(&D)
chinesesimplified.AdditionalIcons=附加快捷方式：
chinesesimplified.LaunchProgram=运行 %1

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the program's files wholesale, so nothing of the older bundle lingers.
; The user's data is elsewhere (%APPDATA%\dangxun) and is never touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entry names %APPDATA%\dangxun: the uninstaller removes only what it installed.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{userappdata}\dangxun')]),
           mbInformation, MB_OK);
end;
