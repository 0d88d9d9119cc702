<#
.SYNOPSIS
    The walk-through behind build.ps1 -Task Demo: a simulated spr-qat-e810 host taken from bare to converged
    through the laid-out HdIov module (its VM attachment through the host's own libvirt, where vm01 is defined), then
    converged again to show that nothing is left to do.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleRoot,
    [Parameter(Mandatory)] [string] $HostRoot,
    [Parameter(Mandatory)] [string] $SpecPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$env:PSModulePath = $ModuleRoot + [System.IO.Path]::PathSeparator + $env:PSModulePath
Import-Module HdIov

function Show-Command([string] $Text) {
    Write-Host ''
    Write-Host "PS> $Text" -ForegroundColor Cyan
}

# Formats like the console would, but wide enough for plan lines when the output goes to a log.
$width = if ([Console]::IsOutputRedirected) { 160 } else { [Math]::Max($Host.UI.RawUI.WindowSize.Width, 80) }
function Show-Output {
    $input | Out-String -Width $width | Write-Host -NoNewline
}

$relativeSpec = [System.IO.Path]::GetRelativePath((Get-Location).Path, $SpecPath)
$relativeRoot = [System.IO.Path]::GetRelativePath((Get-Location).Path, $HostRoot)

# A fresh host every run, so the demo always starts from the same bare machine.
if (Test-Path $HostRoot) {
    Remove-Item -Recurse -Force $HostRoot
}

Show-Command "New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $relativeRoot"
New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $HostRoot | Format-List | Show-Output

Show-Command "`$env:HDIOV_HOST_ROOT = '$relativeRoot'"
$env:HDIOV_HOST_ROOT = $HostRoot

Show-Command 'Get-HdIovHost'
Get-HdIovHost | Show-Output

Show-Command "Get-HdIovPlan -Path $relativeSpec"
Get-HdIovPlan -Path $SpecPath | Show-Output

Show-Command "Set-HdIovHostState -Path $relativeSpec -Force   # -Force: apply the kernel-argument step, which needs a reboot, without asking"
Set-HdIovHostState -Path $SpecPath -Force | Show-Output

Show-Command '(Get-HdIovHost).VirtualDevices | Format-Table'
(Get-HdIovHost).VirtualDevices | Format-Table | Show-Output

Show-Command "Get-HdIovVirtualDevice -Owned | Where-Object { `$_.Holders -match '^VM ' } | Format-Table VdevName, Uuid, Holders   # vm01's hostdevs, read from the simulated host's own libvirt"
Get-HdIovVirtualDevice -Owned | Where-Object { $_.Holders -match '^VM ' } | Format-Table VdevName, Uuid, Holders -AutoSize | Show-Output

Show-Command "Test-HdIovHostState -Path $relativeSpec   # the new kernel arguments wait for a reboot"
Test-HdIovHostState -Path $SpecPath | Show-Output

Show-Command 'Restart-HdIovSimulatedHost -Confirm:$false   # VFs, ice-vdcm VDEVs and hugepages do not survive it; mdevctl brings back the QAT VDEVs'
Restart-HdIovSimulatedHost -Confirm:$false

Show-Command "Get-HdIovPlan -Path $relativeSpec   # after the reboot: only what did not come back by itself"
Get-HdIovPlan -Path $SpecPath | Show-Output

Show-Command "Set-HdIovHostState -Path $relativeSpec"
Set-HdIovHostState -Path $SpecPath | Show-Output

Show-Command "Test-HdIovHostState -Path $relativeSpec"
$converged = Test-HdIovHostState -Path $SpecPath
$converged | Show-Output

Show-Command "Set-HdIovHostState -Path $relativeSpec -Verbose   # again: nothing left to do"
Set-HdIovHostState -Path $SpecPath -Verbose | Show-Output

Show-Command "Get-HdIovPlan -Path $relativeSpec"
$again = Get-HdIovPlan -Path $SpecPath
$again | Show-Output

if (-not $converged -or -not $again.IsEmpty) {
    throw 'The demo host did not converge: planning after apply still has steps or a pending reboot.'
}
Write-Host ''
Write-Host "Converged. The simulated host stays in $relativeRoot for you to explore (Import-Module ./out/HdIov/*/HdIov.psd1)."
