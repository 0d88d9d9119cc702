# Shared by the Pester suite: imports the module laid out by build.ps1 (never the sources), and helpers for
# simulated hosts and for proving that a command changed nothing.

Set-StrictMode -Version Latest

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path

function Get-RepoRoot {
    $script:RepoRoot
}

function Get-HdIovManifestPath {
    $manifests = @(Get-ChildItem -Path (Join-Path $script:RepoRoot 'out' 'HdIov') -Filter HdIov.psd1 -Recurse -ErrorAction Ignore)
    if ($manifests.Count -ne 1) {
        throw "Expected exactly one laid-out module under out/HdIov, found $($manifests.Count). Run: dotnet pwsh ./build.ps1 -Task Layout"
    }
    $manifests[0].FullName
}

function Import-HdIovModule {
    Import-Module (Get-HdIovManifestPath) -Global -Force -ErrorAction Stop
}

# An engine type by its full name. The engine loads into HdIov's private load context, which PowerShell's type
# literals ([HdIov.Engine...]) do not search; call static members on the result: (Get-HdIovEngineType X)::Open(...).
function Get-HdIovEngineType([Parameter(Mandatory)] [string] $FullName) {
    $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' }
    if (-not $engine) {
        Get-HdIovSimulatedHostProfile | Out-Null
        $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' }
    }
    $type = @($engine)[0].GetType($FullName, $true)
    $type
}

# The pwsh running this suite, started again: as an apphost, or as pwsh.dll under the dotnet host. A suite hosted
# in-process (tests/HdIov.PowerShell.Tests) is not in a pwsh: it names the pinned pwsh.dll in HDIOV_PWSH.
function Get-PwshCommandLine {
    if ($env:HDIOV_PWSH) {
        @(($env:DOTNET_HOST_PATH ? $env:DOTNET_HOST_PATH : 'dotnet'), $env:HDIOV_PWSH)
    }
    elseif ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
        @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
    }
    else {
        @([Environment]::ProcessPath)
    }
}

# A `pwsh` executable on PATH that starts the pinned PowerShell, as an installed pwsh would be: the pinned one is a
# dotnet tool (a pwsh.dll), and what the module writes for other processes to run (the boot unit's ExecStart) needs an
# executable. Made once per process.
function Install-PwshLauncher {
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) "hdiov-pwsh-launcher-$PID"
    $launcher = Join-Path $folder 'pwsh'
    if (-not (Test-Path $launcher)) {
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $quoted = (Get-PwshCommandLine | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
        [System.IO.File]::WriteAllText($launcher, "#!/bin/sh`nexec $quoted `"`$@`"`n")
        [System.IO.File]::SetUnixFileMode($launcher, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
    }
    if (($env:PATH -split [System.IO.Path]::PathSeparator) -notcontains $folder) {
        $env:PATH = $folder + [System.IO.Path]::PathSeparator + $env:PATH
    }
    $launcher
}

Install-PwshLauncher | Out-Null

# Simulated hosts live in a folder of their own, not in TestDrive: like sysfs they contain symbolic-link loops,
# and Pester lists TestDrive recursively with .NET, which follows those links without end, around every block.
$script:HostsRoot = $null

# A path for a new simulated host, in a folder this test file owns; Remove-TestHostPaths deletes it.
function New-TestHostPath([Parameter(Mandatory)] [string] $Name) {
    if (-not $script:HostsRoot) {
        $script:HostsRoot = Join-Path ([System.IO.Path]::GetTempPath()) "hdiov-pester-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $script:HostsRoot | Out-Null
    }
    Join-Path $script:HostsRoot $Name
}

function Get-TestHostsRoot {
    New-TestHostPath 'x' | Out-Null
    $script:HostsRoot
}

# Stops the libvirtd of every simulated host the file made (each started on first use), then removes the hosts.
function Remove-TestHostPaths {
    if ($script:HostsRoot -and (Test-Path $script:HostsRoot)) {
        $simulatedHost = Get-HdIovEngineType 'HdIov.Engine.Simulation.SimulatedHost'
        Get-ChildItem -LiteralPath $script:HostsRoot -Directory -Depth 1 |
            Where-Object { $simulatedHost::IsSimulatedRoot($_.FullName) } |
            ForEach-Object { $simulatedHost::Open($_.FullName).Libvirtd.Stop() }
        Remove-Item -LiteralPath $script:HostsRoot -Recurse -Force
    }
    $script:HostsRoot = $null
}

function Get-TestSpecPath([Parameter(Mandatory)] [string] $Name) {
    Join-Path $PSScriptRoot 'TestData' $Name
}

# One line per file system entry under Root: its relative path, its kind, and a content hash or link target. What a
# simulated host's libvirtd keeps for itself while it runs (run/libvirt: sockets and pid file; var/cache/libvirt: its
# log and capability cache) is left out, as a real host's /run is: a command that reads the host's VMs may start the
# daemon. Its domain definitions (etc/libvirt) are part of the snapshot.
function Get-TreeSnapshot([Parameter(Mandatory)] [string] $Root) {
    $rootPath = (Resolve-Path $Root).Path
    $daemonOwn = @((Join-Path $rootPath 'run' 'libvirt'), (Join-Path $rootPath 'var' 'cache' 'libvirt'))
    Get-ChildItem -LiteralPath $rootPath -Recurse -Force -Attributes !ReparsePoint, ReparsePoint |
        Where-Object { $path = $_.FullName; -not ($daemonOwn | Where-Object { $path -eq $_ -or $path.StartsWith($_ + '/') }) } |
        Sort-Object FullName |
        ForEach-Object {
            $relative = [System.IO.Path]::GetRelativePath($rootPath, $_.FullName)
            if ($_.LinkType) {
                "$relative -> $($_.LinkTarget)"
            }
            elseif ($_.PSIsContainer) {
                "$relative/"
            }
            else {
                "$relative $((Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash)"
            }
        }
}

# A Redfish BMC for tests: the emulator executable built with the solution (tests/HdIov.Testing.Redfish), serving the
# DMTF mockup over HTTPS on a loopback port. Returns Endpoint, CaCertificate, UserName, Password, Credential and the
# Process; Stop-RedfishEmulator ends it (it also ends when its standard input closes).
function Start-RedfishEmulator([string] $UserName = 'admin', [string] $Password = 'Pester-Bmc-Pa55!', [string] $Vendor = 'IntelReference') {
    $dll = @(Get-ChildItem -Path (Join-Path $script:RepoRoot 'artifacts' 'bin' 'HdIov.Testing.Redfish') -Filter HdIov.Testing.Redfish.dll -Recurse -ErrorAction Ignore |
            Sort-Object LastWriteTimeUtc -Descending)
    if ($dll.Count -eq 0) {
        throw 'The Redfish emulator is not built (artifacts/bin/HdIov.Testing.Redfish). Run: dotnet pwsh ./build.ps1 -Task Build'
    }
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($dll[0].FullName, '--user', $UserName, '--password', $Password, '--vendor', $Vendor)) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) {
        $process.Kill()
        throw "The Redfish emulator ($($dll[0].FullName)) exited without printing its endpoint."
    }
    $ready = $line | ConvertFrom-Json
    $secure = ConvertTo-SecureString $Password -AsPlainText -Force
    [pscustomobject]@{
        Endpoint      = $ready.endpoint.TrimEnd('/')
        CaCertificate = $ready.caCertificate
        SystemId      = $ready.systemId
        UserName      = $UserName
        Password      = $Password
        Credential    = [pscredential]::new($UserName, $secure)
        Process       = $process
    }
}

function Stop-RedfishEmulator([Parameter(Mandatory)] $Emulator) {
    $Emulator.Process.StandardInput.Close()
    if (-not $Emulator.Process.WaitForExit(10000)) {
        $Emulator.Process.Kill()
    }
    $Emulator.Process.Dispose()
}

# A request to the emulator as the tests' own observer (the product's client verifies TLS; this checker does not need to).
function Invoke-RedfishEmulator([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Path, [string] $Method = 'Get', $Body) {
    $arguments = @{
        Uri                  = $Emulator.Endpoint + $Path
        Method               = $Method
        Authentication       = 'Basic'
        Credential           = $Emulator.Credential
        SkipCertificateCheck = $true
        ContentType          = 'application/json'
    }
    if ($null -ne $Body) {
        $arguments.Body = $Body | ConvertTo-Json -Depth 5
    }
    Invoke-WebRequest @arguments
}

# A fleet document (and its group's spec, an mtty split of ${values.ports} ports) for simulated mtty lab hosts under
# $Dir: a host's ports come from $Ports (default 2); $Extra adds host lines, $Strategy a strategy line.
function New-LabFleet([Parameter(Mandatory)] [string] $Dir, [Parameter(Mandatory)] [string[]] $Hosts, [hashtable] $Ports = @{}, [string] $Extra = '', [string] $Strategy = '') {
    Set-Content (Join-Path $Dir 'mtty.yaml') @'
apiVersion: hdiov.dev/v1alpha1
kind: HostState
metadata: { name: template }
spec:
  devices:
    - name: tty
      select: { parent: mtty }
      mode: siov
      vdevs: { mtty-1: ${values.ports} }
'@
    $lines = foreach ($name in $Hosts) {
        $count = $Ports.ContainsKey($name) ? $Ports[$name] : 2
        "    - { name: $name, transport: { local: { root: '$(Join-Path $Dir $name)' } }, values: { ports: $count } }"
    }
    $fleet = Join-Path $Dir 'fleet.yaml'
    Set-Content $fleet @"
apiVersion: hdiov.dev/v1alpha1
kind: Fleet
metadata: { name: lab }
spec:
  hosts:
$($lines -join "`n")
$Extra
  groups:
    - { name: lab, selector: {}, spec: { path: ./mtty.yaml } }
$Strategy
"@
    $fleet
}

Export-ModuleMember -Function Get-RepoRoot, Get-HdIovManifestPath, Import-HdIovModule, Get-HdIovEngineType, Get-PwshCommandLine, New-TestHostPath, Get-TestHostsRoot, Remove-TestHostPaths, Get-TestSpecPath, Get-TreeSnapshot, New-LabFleet, Start-RedfishEmulator, Stop-RedfishEmulator, Invoke-RedfishEmulator
