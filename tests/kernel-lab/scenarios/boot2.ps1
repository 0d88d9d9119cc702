# The kernel lab's second boot: the same guest with the overlay state the first boot left, standing in for a
# host reboot.
param(
    [Parameter(Mandatory)] [string] $ResultPath,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $LabProbe
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module (Join-Path $PSScriptRoot 'LabChecks.psm1')
Initialize-LabResults $ResultPath
Write-LabLog 'pwsh started'
Import-Module $ModuleManifest
Import-Module (Join-Path $PSScriptRoot 'LabHost.psm1')
. (Join-Path $PSScriptRoot 'Persistence.ps1')
. (Join-Path $PSScriptRoot 'BootService.ps1')
Write-LabLog 'module imported'

Invoke-PersistenceAfterReboot '/root/kernel-lab-specs'
Invoke-BootServiceAfterReboot '/root/kernel-lab-specs'
Write-LabLog 'done'
# Skips pwsh's own shutdown, which takes a minute in the TCG guest; every result is already on the share.
[Environment]::Exit(0)
