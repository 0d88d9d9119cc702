<#
.SYNOPSIS
    Measures how long the built pulumi-resource-hdiov takes from launch to its port line.

.DESCRIPTION
    The engine launches a provider plugin and waits for the port number on its first stdout line before it can call
    anything, so this is the start cost every Pulumi command pays once per provider. The script launches the plugin
    -Count times, one after the other, times each launch until the first stdout line (which must be only digits),
    then stops that process by its id and waits for it. It prints the median, minimum and maximum in milliseconds.

.PARAMETER PluginPath
    The built plugin (artifacts/bin/HdIov.Pulumi/<configuration>/pulumi-resource-hdiov).

.PARAMETER Count
    How many launches. Default: 9.

.EXAMPLE
    dotnet build src/HdIov.Pulumi -c Release
    dotnet pwsh ./bench/Measure-ProviderStart.ps1 -PluginPath ./artifacts/bin/HdIov.Pulumi/release/pulumi-resource-hdiov
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PluginPath,
    [ValidateRange(1, 100)] [int] $Count = 9
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$PluginPath = (Resolve-Path $PluginPath).Path
$times = foreach ($launch in 1..$Count) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($PluginPath)
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.WorkingDirectory = [System.IO.Path]::GetTempPath()
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $line = $process.StandardOutput.ReadLine()
        $clock.Stop()
        if ($line -notmatch '^\d+$') {
            throw "launch ${launch}: the first stdout line is '$line', not a port number; stderr: $($process.StandardError.ReadToEnd())"
        }

        $clock.Elapsed.TotalMilliseconds
    }
    finally {
        if (-not $process.HasExited) {
            $process.Kill()
        }

        $process.WaitForExit()
        $process.Dispose()
    }
}

$sorted = @($times | Sort-Object)
[pscustomobject]@{
    Measurement = 'pulumi-resource-hdiov launch to port line'
    Launches    = $Count
    MedianMs    = [math]::Round($sorted[[int][math]::Floor(($sorted.Count - 1) / 2)], 1)
    MinMs       = [math]::Round($sorted[0], 1)
    MaxMs       = [math]::Round($sorted[-1], 1)
}
