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

# The pwsh running this suite, started again: as an apphost, or as pwsh.dll under the dotnet host.
function Get-PwshCommandLine {
    if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
        @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
    }
    else {
        @([Environment]::ProcessPath)
    }
}

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

function Remove-TestHostPaths {
    if ($script:HostsRoot -and (Test-Path $script:HostsRoot)) {
        Remove-Item -LiteralPath $script:HostsRoot -Recurse -Force
    }
    $script:HostsRoot = $null
}

function Get-TestSpecPath([Parameter(Mandatory)] [string] $Name) {
    Join-Path $PSScriptRoot 'TestData' $Name
}

# One line per file system entry under Root: its relative path, its kind, and a content hash or link target.
function Get-TreeSnapshot([Parameter(Mandatory)] [string] $Root) {
    $rootPath = (Resolve-Path $Root).Path
    Get-ChildItem -LiteralPath $rootPath -Recurse -Force -Attributes !ReparsePoint, ReparsePoint |
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

Export-ModuleMember -Function Get-RepoRoot, Get-HdIovManifestPath, Import-HdIovModule, Get-HdIovEngineType, Get-PwshCommandLine, New-TestHostPath, Get-TestHostsRoot, Remove-TestHostPaths, Get-TestSpecPath, Get-TreeSnapshot
