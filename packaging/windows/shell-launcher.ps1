# Makes onewindow-screen.exe the shell of one local user with Shell Launcher
# v2 (WMI class WESL_UserSetting), restarting it whenever it exits, and keeps
# Explorer as everyone else's shell. Run as administrator, after enabling the
# Client-EmbeddedShellLauncher feature (see README-windows.txt).
param(
    [Parameter(Mandatory = $true)][string]$User,
    [ValidateSet("kiosk", "window", "display")][string]$Role = "kiosk",
    [string]$InstallDir = "C:\Program Files\onewindow",
    [string]$Config = "C:\ProgramData\onewindow\onewindow.toml"
)
$ErrorActionPreference = "Stop"
$exe = Join-Path $InstallDir "onewindow-screen.exe"
if (-not (Test-Path $exe)) { throw "$exe is not there: copy the onewindow folder to $InstallDir first" }
$shell = "`"$exe`" $Role -config `"$Config`""
$sid = (New-Object System.Security.Principal.NTAccount($User)).Translate([System.Security.Principal.SecurityIdentifier]).Value
$wesl = [wmiclass]"\\localhost\root\standardcimv2\embedded:WESL_UserSetting"
# 0 = restart the shell when it exits: a crash brings onewindow back, not a desktop.
$restartShell = 0
$wesl.SetDefaultShell("explorer.exe", $restartShell) | Out-Null
try { $wesl.RemoveCustomShell($sid) | Out-Null } catch { }
$wesl.SetCustomShell($sid, $shell, $null, $null, $restartShell) | Out-Null
$wesl.SetEnabled($true) | Out-Null
Write-Output "onewindow ($Role) is now the shell of $User ($sid); other users keep Explorer."
