<#
.SYNOPSIS
    Measures the HdIov module's import time in fresh pwsh processes, and Get-HdIovHost on a simulated spr-qat-e810
    host in the same process after the import.

.DESCRIPTION
    Import time of a fresh process cannot be a BenchmarkDotNet in-process benchmark, so this script starts
    -Count fresh pwsh processes (the pwsh running it, started again). Each creates nothing: the simulated host is made
    once, beforehand. In each process it times Import-Module of the laid-out manifest, then -Iterations calls of
    Get-HdIovHost (the first one includes the engine's JIT and the host's first read). It prints the median, minimum
    and maximum of each figure over the processes.

.PARAMETER ManifestPath
    The laid-out module's manifest (out/HdIov/<version>/HdIov.psd1).

.PARAMETER Count
    How many fresh processes. Default: 7.

.PARAMETER Iterations
    Get-HdIovHost calls per process after the import. Default: 5.

.EXAMPLE
    dotnet pwsh ./bench/Measure-ModuleImport.ps1 -ManifestPath ./out/HdIov/0.1.0/HdIov.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [ValidateRange(1, 100)] [int] $Count = 7,
    [ValidateRange(2, 100)] [int] $Iterations = 5
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ManifestPath = (Resolve-Path $ManifestPath).Path
$pwsh = if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
    @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
}
else {
    @([Environment]::ProcessPath)
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) "hdiov-import-bench-$([guid]::NewGuid().ToString('n'))"
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $hostRoot = Join-Path $work 'host'
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "Import-Module '$ManifestPath'; New-HdIovSimulatedHost -Profile spr-qat-e810 -Path '$hostRoot' | Out-Null"
    if ($LASTEXITCODE -ne 0) {
        throw 'Could not create the simulated host.'
    }

    $probe = Join-Path $work 'Measure-Once.ps1'
    Set-Content -Path $probe -Value @'
param([string] $Manifest, [string] $HostRoot, [int] $Iterations)
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $Manifest
$import = $clock.Elapsed.TotalMilliseconds
$calls = foreach ($i in 1..$Iterations) {
    $clock.Restart()
    Get-HdIovHost -HostRoot $HostRoot | Out-Null
    $clock.Elapsed.TotalMilliseconds
}
[pscustomobject]@{ Import = $import; FirstHost = $calls[0]; WarmHost = ($calls | Select-Object -Skip 1 | Measure-Object -Average).Average } | ConvertTo-Json -Compress
'@

    $runs = foreach ($run in 1..$Count) {
        $line = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $probe -Manifest $ManifestPath -HostRoot $hostRoot -Iterations $Iterations
        if ($LASTEXITCODE -ne 0) {
            throw "Run $run failed: $line"
        }
        $line | Select-Object -Last 1 | ConvertFrom-Json
    }

    $median = {
        param([double[]] $values)
        $sorted = @($values | Sort-Object)
        if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
    }
    $rows = foreach ($figure in @(
            @{ Name = 'Import-Module HdIov (fresh pwsh)'; Values = @($runs.Import) }
            @{ Name = 'Get-HdIovHost, first call after import'; Values = @($runs.FirstHost) }
            @{ Name = "Get-HdIovHost, warm (mean of $($Iterations - 1) calls)"; Values = @($runs.WarmHost) }
        )) {
        $stats = $figure.Values | Measure-Object -Minimum -Maximum
        [pscustomobject]@{
            Measurement = $figure.Name
            'Median ms' = [math]::Round((& $median $figure.Values), 1)
            'Min ms'    = [math]::Round($stats.Minimum, 1)
            'Max ms'    = [math]::Round($stats.Maximum, 1)
        }
    }
    "$Count fresh pwsh processes, PowerShell $($PSVersionTable.PSVersion), simulated spr-qat-e810 host"
    $rows | Format-Table -AutoSize | Out-String -Width 160
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
