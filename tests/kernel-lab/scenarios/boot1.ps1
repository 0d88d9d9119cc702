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
foreach ($scenario in 'Discovery', 'Converge', 'Errors', 'Vfio', 'Crash', 'Sriov', 'Bench', 'Differential', 'Persistence', 'Qemu', 'BootService') {
    . (Join-Path $PSScriptRoot "$scenario.ps1")
}
# Under /root, on the overlay: the second boot finds the spec the first one converged.
$specs = New-Item -ItemType Directory -Force /root/kernel-lab-specs
Write-LabLog 'module imported'

Invoke-LabCheck 'lab.clean-start' {
    Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs at boot'
    Assert-LabEqual 0 (Get-LabMdevctlFile).Count 'mdevctl definitions for mtty at boot'
    Assert-Lab (-not (Test-Path /var/lib/hdiov)) '/var/lib/hdiov exists at the first boot'
}

Invoke-DiscoveryScenario
Invoke-LabCheck 'differential.kernel-sequence' {
    $observations = Invoke-LabDifferentialSequence -HostRoot / -SpecDirectory $specs.FullName
    Add-LabRecord 'differential.kernel' $observations
    Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after the sequence'
}
Invoke-ConvergeScenario $specs.FullName
Invoke-ErrorsScenario $specs.FullName
Invoke-VfioScenario $specs.FullName $LabProbe
Invoke-CrashScenario $specs.FullName $LabProbe
Invoke-SriovScenario $specs.FullName $LabProbe
Invoke-BenchScenario $specs.FullName
Invoke-QemuScenario $specs.FullName
# Last: it leaves persistent VDEVs for the second boot.
Invoke-PersistenceBeforeReboot $specs.FullName
Invoke-BootServiceBeforeReboot $specs.FullName
Write-LabLog 'done'
# Skips pwsh's own shutdown, which takes a minute in the TCG guest; every result is already on the share.
[Environment]::Exit(0)
