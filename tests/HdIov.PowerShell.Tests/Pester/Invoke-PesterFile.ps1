<#
.SYNOPSIS
    Discovers or runs one Pester test file in the calling runspace and returns one record per test.

.DESCRIPTION
    Run by the xunit host (PesterSuite). Each record names a test by a key that is stable between discovery and run:
    its path as written (blocks and test name joined by '.'; Pester expands <templates> of -ForEach data only when it
    runs), with ' [n]' appended to the second and later tests of the same path. A test fails with its own errors, or with those of the block or file that kept it from running;
    a block whose AfterAll failed after all its tests passed fails its last test. A file that cannot be discovered
    gives one record with the key '(discovery)'.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [switch] $Discover,
    [string[]] $Tag = @(),
    [string[]] $ExcludeTag = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Format-PesterError($ErrorRecords) {
    @($ErrorRecords | ForEach-Object {
            $text = $_.Exception.Message
            if ($_.ScriptStackTrace) { $text += "`n" + $_.ScriptStackTrace }
            $text
        }) -join "`n"
}

function Get-BlockChain($Test) {
    $block = $Test.Block
    while ($null -ne $block) {
        $block
        $block = $block.Parent
    }
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Run.SkipRun = [bool] $Discover
$configuration.Output.Verbosity = 'None'
if ($Tag.Count -gt 0) { $configuration.Filter.Tag = $Tag }
if ($ExcludeTag.Count -gt 0) { $configuration.Filter.ExcludeTag = $ExcludeTag }

$run = Invoke-Pester -Configuration $configuration
$container = @($run.Containers)[0]
if ($null -eq $container) {
    return
}

$records = [System.Collections.Generic.List[object]]::new()
$seen = @{}
foreach ($test in @($run.Tests)) {
    $key = $test.Path -join '.'
    $seen[$key] = 1 + ($seen[$key] ?? 0)
    if ($seen[$key] -gt 1) {
        $key = "$key [$($seen[$key])]"
    }

    $tags = [System.Collections.Generic.SortedSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
    foreach ($block in Get-BlockChain $test) {
        foreach ($t in @($block.Tag)) { if ($t) { [void] $tags.Add($t) } }
    }
    foreach ($t in @($test.Tag)) { if ($t) { [void] $tags.Add($t) } }

    $message = ''
    $result = $test.Result
    if ($result -ne 'Passed' -and $result -ne 'Skipped') {
        $message = Format-PesterError $test.ErrorRecord
        if (-not $message) {
            foreach ($block in Get-BlockChain $test) {
                if (@($block.ErrorRecord).Count -gt 0) {
                    $message = "the block '$($block.ExpandedPath)' failed: " + (Format-PesterError $block.ErrorRecord)
                    break
                }
            }
        }
        if (-not $message -and @($container.ErrorRecord).Count -gt 0) {
            $message = 'the test file failed: ' + (Format-PesterError $container.ErrorRecord)
        }
    }

    $records.Add([pscustomobject]@{
            Key     = $key
            Tags    = [string[]] @($tags)
            Skip    = [bool] $test.Skip
            Result  = [string] $result
            Message = [string] $message
            Test    = $test
        })
}

# A block whose AfterAll failed after every one of its tests passed: its last test carries the failure.
if (-not $Discover) {
    foreach ($group in ($records | Group-Object { $_.Test.Block.ExpandedPath })) {
        $block = $group.Group[0].Test.Block
        $blockErrors = @(Get-BlockChain $group.Group[0].Test | ForEach-Object { @($_.ErrorRecord) } | Where-Object { $_ })
        $last = $group.Group[-1]
        if ($blockErrors.Count -gt 0 -and $last.Result -eq 'Passed') {
            $last.Result = 'Failed'
            $last.Message = "the block '$($block.ExpandedPath)' failed after its tests ran: " + (Format-PesterError $blockErrors)
        }
    }
}

if ($records.Count -eq 0 -and ($container.Result -eq 'Failed' -or @($container.ErrorRecord).Count -gt 0)) {
    $records.Add([pscustomobject]@{
            Key     = '(discovery)'
            Tags    = [string[]] @()
            Skip    = $false
            Result  = 'Failed'
            Message = 'the test file failed: ' + (Format-PesterError $container.ErrorRecord)
            Test    = $null
        })
}

$records | Select-Object Key, Tags, Skip, Result, Message
