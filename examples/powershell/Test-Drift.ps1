#Requires -Version 7.4
#Requires -Modules HdIov
<#
.SYNOPSIS
    A drift check for a pipeline: exits 0 when the host is in the state the spec declares, 1 (printing the drift
    items) when it is not.

.DESCRIPTION
    Each drift item says what kind of difference it is: Declared (the spec asks for something not applied yet),
    ChangedOutside (someone changed what HdIov made), HardwareChanged (a PF, type or IOMMU feature is not what it
    was) or PendingReboot. Unmanaged items (VDEVs made on request that the spec leaves alone) are listed but are
    not drift.

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
    # A refused plan is written as errors and answered with $false; the items still name hardware that changed.
    $refusals = $null
    $items = @(Test-HdIovHostState -Path $Path -HostRoot $HostRoot -Detailed -ErrorAction SilentlyContinue -ErrorVariable refusals)
    $drift = @($items | Where-Object IsDrift)
    $unmanaged = @($items | Where-Object { -not $_.IsDrift })

    if ($unmanaged.Count -gt 0) {
        Write-Host "Left alone (not declared, not drift):"
        $unmanaged | Format-Table Address, Actual -AutoSize | Out-Host
    }

    if ($drift.Count -eq 0 -and @($refusals).Count -eq 0) {
        Write-Host "In sync: $HostRoot matches $Path."
        exit 0
    }

    Write-Host "Drift: $HostRoot differs from $Path in $($drift.Count) item(s)."
    $drift | Format-Table Kind, Address, Expected, Actual, Disruption -AutoSize -Wrap | Out-Host
    foreach ($item in $drift) {
        Write-Host "  $($item.Address): $($item.Reason)"
    }
    foreach ($refusal in @($refusals)) {
        Write-Host "  cannot converge: $($refusal.Exception.Message)"
    }
    exit 1
}
catch {
    # An unreadable spec is drift too: the declared state cannot be checked as things are.
    Write-Host "Drift check failed: $($_.Exception.Message)"
    exit 1
}
