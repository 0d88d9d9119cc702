#Requires -Version 7.4
#Requires -Modules HdIov
<#
.SYNOPSIS
    A drift check for a pipeline: exits 0 when the host is in the state the spec declares, 1 (printing the drift)
    when it is not.

.PARAMETER HostRoot
    The host to check. Default: $env:HDIOV_HOST_ROOT, else /.

.PARAMETER Path
    The spec document. Default: ./host.yaml.

.EXAMPLE
    ./Test-Drift.ps1 -HostRoot ./lab -Path ./host.yaml || echo 'drifted'
#>
[CmdletBinding()]
param(
    [string] $HostRoot = $(if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }),
    [string] $Path = './host.yaml'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

try {
    if (Test-HdIovHostState -Path $Path -HostRoot $HostRoot) {
        Write-Host "In sync: $HostRoot matches $Path."
        exit 0
    }
    $plan = Get-HdIovPlan -Path $Path -HostRoot $HostRoot
    Write-Host "Drift: $HostRoot differs from $Path."
    $plan | Out-Host
    exit 1
}
catch {
    # A refused plan or an unreadable spec is drift too: the declared state cannot be reached as things are.
    Write-Host "Drift check failed: $($_.Exception.Message)"
    exit 1
}
