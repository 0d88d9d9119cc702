# The kernel lab's first boot: every scenario that needs one running kernel, in one pwsh process.
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
foreach ($scenario in 'Discovery', 'Converge', 'Errors', 'Vfio') {
    . (Join-Path $PSScriptRoot "$scenario.ps1")
}
$specs = New-Item -ItemType Directory -Force /tmp/kernel-lab-specs
Write-LabLog 'module imported'

Invoke-LabCheck 'lab.clean-start' {
    Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs at boot'
    Assert-LabEqual 0 (Get-LabMdevctlFile).Count 'mdevctl definitions for mtty at boot'
    Assert-Lab (-not (Test-Path /var/lib/hdiov)) '/var/lib/hdiov exists at the first boot'
}

Invoke-DiscoveryScenario
Invoke-ConvergeScenario $specs.FullName
Invoke-ErrorsScenario $specs.FullName
Invoke-VfioScenario $specs.FullName $LabProbe
Write-LabLog 'done'
