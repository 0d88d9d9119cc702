#Requires -Version 7.4
#Requires -Modules HdIov
<#
.SYNOPSIS
    Removes every VDEV and VF the engine owns on a host, then verifies that none is left.

.DESCRIPTION
    Converges a spec with the host name of -Path and an empty device list: the ownership rules remove what the
    ledger owns (VDEVs, their mdevctl definitions, VFs) and leave devices someone made by hand alone. Platform
    settings are not declared, so kernel arguments and BIOS settings stay as they are. Exits 0 when nothing owned is
    left, 1 otherwise.

.PARAMETER HostRoot
    The host to decommission. Default: $env:HDIOV_HOST_ROOT, else /.

.PARAMETER Path
    The host's spec document, for its host name (metadata.name). Default: ./host.yaml.

.EXAMPLE
    ./Invoke-Decommission.ps1 -HostRoot ./lab -Path ./host.yaml
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $HostRoot = $(if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }),
    [string] $Path = './host.yaml'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$name = (Import-HdIovSpec -Path $Path).Name
$empty = Join-Path ([System.IO.Path]::GetTempPath()) "hdiov-decommission-$([guid]::NewGuid().ToString('n')).yaml"
Set-Content -LiteralPath $empty -Value @"
apiVersion: hdiov.dev/v1alpha1
kind: HostState
metadata:
  name: $name
spec:
  devices: []
"@
try {
    $owned = @(Get-HdIovVirtualDevice -HostRoot $HostRoot -Owned)
    Write-Host "Owned by HdIov before: $($owned.Count) virtual device(s)."
    Get-HdIovPlan -Path $empty -HostRoot $HostRoot | Out-Host
    Set-HdIovHostState -Path $empty -HostRoot $HostRoot -Confirm:$false -WhatIf:$WhatIfPreference | Out-Null
    if ($WhatIfPreference) {
        exit 0
    }

    $left = @(Get-HdIovVirtualDevice -HostRoot $HostRoot -Owned)
    $unowned = @(Get-HdIovVirtualDevice -HostRoot $HostRoot | Where-Object { -not $_.Owned })
    if ($left.Count -gt 0 -or -not (Test-HdIovHostState -Path $empty -HostRoot $HostRoot)) {
        Write-Host "Decommission incomplete: $($left.Count) owned device(s) left."
        $left | Format-Table Id, Parent, Type, VdevName | Out-Host
        exit 1
    }
    Write-Host "Decommissioned: no owned virtual device left; $($unowned.Count) device(s) not owned by HdIov left alone."
    exit 0
}
catch {
    Write-Host "Decommission failed: $($_.Exception.Message)"
    exit 1
}
finally {
    Remove-Item -LiteralPath $empty -ErrorAction Ignore
}
