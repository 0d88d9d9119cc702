# Named checks for the kernel lab's scenarios. Each check runs a script block that throws when the behaviour is
# wrong; the outcome (Passed / Failed with the message and where it was thrown) is appended to the results file at
# once, so a guest that hangs or is killed still leaves every finished check behind.

Set-StrictMode -Version Latest

$script:ResultPath = $null
$script:Results = [System.Collections.Generic.List[object]]::new()
$script:Clock = [System.Diagnostics.Stopwatch]::StartNew()

function Initialize-LabResults([Parameter(Mandatory)] [string] $Path) {
    $script:ResultPath = $Path
    $script:Results.Clear()
    Save-LabResults
}

function Save-LabResults {
    $json = ConvertTo-Json -InputObject @($script:Results.ToArray()) -Depth 4
    [System.IO.File]::WriteAllText($script:ResultPath, $json)
}

function Write-LabLog([string] $Text) {
    Write-Host ('[{0,6:0.0}s] {1}' -f $script:Clock.Elapsed.TotalSeconds, $Text)
}

# Runs one named check. A failure never stops the scenario: later checks report their own outcome.
function Invoke-LabCheck {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [scriptblock] $Test
    )
    $started = $script:Clock.Elapsed
    $outcome = 'Passed'
    $message = $null
    try {
        $null = & $Test
    }
    catch {
        $outcome = 'Failed'
        $message = "$($_.Exception.Message) ($($_.InvocationInfo.ScriptName | Split-Path -Leaf):$($_.InvocationInfo.ScriptLineNumber))"
    }
    $seconds = [math]::Round(($script:Clock.Elapsed - $started).TotalSeconds, 2)
    $script:Results.Add([pscustomobject]@{ Name = $Name; Outcome = $outcome; Message = $message; Seconds = $seconds })
    Save-LabResults
    Write-LabLog ("{0} {1}{2}" -f $outcome.ToUpperInvariant(), $Name, $(if ($message) { ": $message" } else { '' }))
}

# Records a named measurement (benchmark figures, observed state for the differential) next to the checks.
function Add-LabRecord {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] $Value
    )
    $script:Results.Add([pscustomobject]@{ Name = $Name; Outcome = 'Record'; Message = $null; Value = $Value })
    Save-LabResults
}

function Assert-Lab {
    param(
        [Parameter(Mandatory)] [bool] $Condition,
        [Parameter(Mandatory)] [string] $Message
    )
    if (-not $Condition) {
        throw $Message
    }
}

function Assert-LabEqual {
    param(
        [Parameter(Mandatory)] [AllowNull()] [AllowEmptyString()] $Expected,
        [Parameter(Mandatory)] [AllowNull()] [AllowEmptyString()] $Actual,
        [Parameter(Mandatory)] [string] $What
    )
    $left = ($Expected | ForEach-Object { "$_" }) -join ','
    $right = ($Actual | ForEach-Object { "$_" }) -join ','
    if ($left -cne $right) {
        throw "$What`: expected '$left', got '$right'"
    }
}

Export-ModuleMember -Function Initialize-LabResults, Write-LabLog, Invoke-LabCheck, Add-LabRecord, Assert-Lab, Assert-LabEqual
