<#
.SYNOPSIS
    Runs the Pester suite in this (child) process against the module laid out under -ModuleRoot.

.DESCRIPTION
    Called by build.ps1 -Task Test through the pinned pwsh. Writes JUnit XML and a small JSON summary
    (passed, failed, skipped) that the build adds to the xunit counts. Failed blocks and containers
    (a failing BeforeAll, a test file that does not parse) count as failures.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleRoot,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $Tag = '',
    [string] $ExcludeTag = ''
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Tests name their host root explicitly; a root from the caller's environment must not leak into them.
Remove-Item Env:HDIOV_HOST_ROOT -ErrorAction Ignore
$env:PSModulePath = $ModuleRoot + [System.IO.Path]::PathSeparator + $env:PSModulePath

Import-Module $PesterManifest -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'JUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.junit.xml'
if ($Tag) {
    $configuration.Filter.Tag = $Tag -split ','
}
if ($ExcludeTag) {
    $configuration.Filter.ExcludeTag = $ExcludeTag -split ','
}

$result = Invoke-Pester -Configuration $configuration

$summary = [ordered]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.InconclusiveCount
}
$summary | ConvertTo-Json | Set-Content -Path $SummaryPath
exit ([int]($summary.Failed -gt 0))
