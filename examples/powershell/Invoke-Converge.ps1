#Requires -Version 7.4
#Requires -Modules HdIov
<#
.SYNOPSIS
    Checks a spec, shows the plan, applies it, and says what is left (a reboot, or nothing).

.DESCRIPTION
    Exits 0 when the host was converged (or already was), 1 when the spec is invalid or the apply failed.
    With -WhatIf it shows the plan and the steps and changes nothing.

.PARAMETER HostRoot
    The host to converge. Default: $env:HDIOV_HOST_ROOT, else /.

.PARAMETER Path
    The spec document. Default: ./host.yaml.

.EXAMPLE
    ./Invoke-Converge.ps1 -HostRoot ./lab -Path ../spr-qat-e810/host.yaml
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $HostRoot = $(if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }),
    [string] $Path = './host.yaml'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

try {
    if (-not (Test-HdIovSpec -Path $Path)) {
        Write-Host "The spec $Path is invalid; nothing was changed."
        exit 1
    }

    $plan = Get-HdIovPlan -Path $Path -HostRoot $HostRoot
    $plan | Out-Host
    if ($plan.IsEmpty -and $plan.PendingReboot.Count -eq 0) {
        exit 0
    }
    if ($plan.IsEmpty) {
        Write-Host 'Nothing to apply; reboot the host for the pending changes to take effect.'
        exit 0
    }

    $result = Set-HdIovHostState -Path $Path -HostRoot $HostRoot -Confirm:$false -WhatIf:$WhatIfPreference
    if ($WhatIfPreference) {
        exit 0
    }
    Write-Host "Applied $($result.Completed.Count) of $($plan.Steps.Count) steps."
    if ($result.StoppedAtRebootBarrier -or $plan.PendingReboot.Count -gt 0) {
        Write-Host "Reboot the host, then converge again: $($plan.PendingReboot -join '; ')"
    }
    exit 0
}
catch {
    Write-Host "Converge failed: $($_.Exception.Message)"
    if ($_.ErrorDetails -and $_.ErrorDetails.RecommendedAction) {
        Write-Host "Fix: $($_.ErrorDetails.RecommendedAction)"
    }
    exit 1
}
