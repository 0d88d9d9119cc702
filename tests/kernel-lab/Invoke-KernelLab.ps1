#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the kernel lab: the module against a real Linux kernel (Debian's, in a QEMU TCG guest with VT-d in
    scalable mode, the mtty sample mdev driver and an SR-IOV NVMe controller).

.DESCRIPTION
    Prepares the kernel, mtty.ko and the initramfs from Debian packages (prepare.sh, cached under
    artifacts/kernel-lab/cache), builds the lab's probe program, then boots the guest once per phase (boot.sh).
    The guest sees this machine's root read-only with a private overlay kept on a state disk across boots, runs the
    phase's scenarios with the laid-out module in one pwsh process and writes its checks to the results share.
    Writes <ResultDirectory>/summary.json ({ Passed, Failed, Skipped }) and checks.json, and prints every failed
    check. Serial console and guest logs stay in artifacts/kernel-lab/run/ for diagnosis.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultDirectory
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$labDir = $PSScriptRoot
$labArtifacts = Join-Path $RepoRoot 'artifacts' 'kernel-lab'
$runDir = Join-Path $labArtifacts 'run'
$resultsShare = Join-Path $runDir 'results'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$checks = [System.Collections.Generic.List[object]]::new()

# The phases: one boot each, the second with the overlay state the first left (a host reboot). TCG runs several
# times slower on a machine busy with other work; HDIOV_KERNEL_LAB_TIMEOUT_SCALE stretches the timeouts there.
$timeoutScale = if ($env:HDIOV_KERNEL_LAB_TIMEOUT_SCALE) { [double] $env:HDIOV_KERNEL_LAB_TIMEOUT_SCALE } else { 1.0 }
$phases = @(
    [pscustomobject]@{ Name = 'boot1'; TimeoutSeconds = [int] (480 * $timeoutScale) }
    [pscustomobject]@{ Name = 'boot2'; TimeoutSeconds = [int] (360 * $timeoutScale) }
)

function Write-LabStep([string] $Text) {
    Write-Host ('[{0,5:0}s] {1}' -f $clock.Elapsed.TotalSeconds, $Text)
}

function Add-HostCheck([string] $Name, [string] $Outcome, [string] $Message) {
    $checks.Add([pscustomobject]@{ Name = $Name; Outcome = $Outcome; Message = $Message; Seconds = 0 })
}

function Write-LabSummary {
    New-Item -ItemType Directory -Force $ResultDirectory | Out-Null
    $passed = @($checks | Where-Object Outcome -eq 'Passed').Count
    $failed = @($checks | Where-Object Outcome -eq 'Failed').Count
    $skipped = @($checks | Where-Object Outcome -eq 'Skipped').Count
    ConvertTo-Json -InputObject @($checks.ToArray()) -Depth 6 | Set-Content (Join-Path $ResultDirectory 'checks.json')
    [ordered]@{ Passed = $passed; Failed = $failed; Skipped = $skipped } | ConvertTo-Json |
        Set-Content (Join-Path $ResultDirectory 'summary.json')
    foreach ($check in ($checks | Where-Object Outcome -eq 'Failed')) {
        Write-Host "FAILED $($check.Name): $($check.Message)"
    }
    Write-LabStep ("kernel lab: {0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
}

# Scenario 7: the operation sequence the first boot ran on the real kernel, run again on the simulator's
# mtty-lab profile; every field that differs fails the step's check and is named in its message.
function Invoke-SimulatorDifferential {
    $kernelRecord = $checks | Where-Object { $_.Name -eq 'differential.kernel' } | Select-Object -First 1
    if ($null -eq $kernelRecord) {
        Add-HostCheck 'differential.simulator-matches-kernel' 'Failed' 'the guest recorded no kernel observations (see differential.kernel-sequence)'
        return
    }
    Write-LabStep 'running the same sequence on the simulator (mtty-lab)'
    Import-Module $ModuleManifest
    Import-Module (Join-Path $labDir 'scenarios' 'LabHost.psm1')
    . (Join-Path $labDir 'scenarios' 'Differential.ps1')
    $simulatedRoot = Join-Path $runDir 'simulated-mtty-lab'
    $specs = New-Item -ItemType Directory -Force (Join-Path $runDir 'simulated-specs')
    New-HdIovSimulatedHost -Profile mtty-lab -Path $simulatedRoot | Out-Null
    $simulator = Invoke-LabDifferentialSequence -HostRoot $simulatedRoot -SpecDirectory $specs.FullName
    $kernel = $kernelRecord.Value | ConvertTo-Json -Depth 4 | ConvertFrom-Json -AsHashtable
    # The comparison itself must see a change: one altered field of the kernel's observations has to be named.
    $altered = $kernelRecord.Value | ConvertTo-Json -Depth 4 | ConvertFrom-Json -AsHashtable
    $altered['types']['mtty-1/available_instances'] = 'altered'
    $named = @(Compare-LabDifferential $kernel $altered)
    $sane = $named.Count -eq 1 -and $named[0] -like 'types/mtty-1/available_instances:*'
    Add-HostCheck 'differential.comparison-names-a-changed-field' $(if ($sane) { 'Passed' } else { 'Failed' }) $(if ($sane) { $null } else { "comparing with one altered field gave: $($named -join '; ')" })
    foreach ($step in @(@($kernel.Keys) + @($simulator.Keys) | Select-Object -Unique)) {
        $left = [ordered]@{ $step = $(if ($kernel.ContainsKey($step)) { $kernel[$step] } else { @{} }) }
        $right = [ordered]@{ $step = $(if ($simulator.Contains($step)) { $simulator[$step] } else { @{} }) }
        $differences = @(Compare-LabDifferential $left $right)
        if ($differences.Count -eq 0) {
            Add-HostCheck "differential.$step" 'Passed' $null
        }
        else {
            Add-HostCheck "differential.$step" 'Failed' ($differences -join '; ')
        }
    }
}

try {
    Write-LabStep 'preparing the kernel, mtty.ko and the initramfs'
    $cacheDir = Join-Path $labArtifacts 'cache'
    $prepareOutput = @(& bash (Join-Path $labDir 'prepare.sh') $cacheDir)
    if ($LASTEXITCODE -ne 0) {
        throw "prepare.sh failed with exit code $LASTEXITCODE."
    }
    $release = $prepareOutput[-1]
    $kernelDir = Join-Path $cacheDir $release
    Write-LabStep "kernel $release"

    Write-LabStep 'building the lab probe'
    $probeProject = Join-Path $labDir 'LabProbe' 'LabProbe.csproj'
    & dotnet build $probeProject -c Debug -nologo -v q -clp:NoSummary -p:TreatWarningsAsErrors=true | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "building $probeProject failed."
    }
    $labProbe = Join-Path $RepoRoot 'artifacts' 'bin' 'LabProbe' 'debug' 'LabProbe.dll'

    if (Test-Path $runDir) {
        Remove-Item -Recurse -Force $runDir
    }
    New-Item -ItemType Directory -Force $resultsShare | Out-Null

    # The overlay's upper layer lives on an ext4 disk so it survives from one boot to the next like a host's disk
    # (an overlay upper directory on 9p is not supported by overlayfs).
    $stateImage = Join-Path $runDir 'state.img'
    $seed = Join-Path $runDir 'state-seed'
    New-Item -ItemType Directory -Force (Join-Path $seed 'upper'), (Join-Path $seed 'work') | Out-Null
    & truncate -s 1G $stateImage
    & mkfs.ext4 -q -F -d $seed $stateImage
    if ($LASTEXITCODE -ne 0) {
        throw 'mkfs.ext4 failed to make the state disk.'
    }
    Remove-Item -Recurse -Force $seed

    Set-Content (Join-Path $resultsShare 'lab.env') @(
        "KLAB_MODULES_DEVICES=$(Join-Path $kernelDir 'modules.devices')"
        "KLAB_PWSH=$(Join-Path $PSHOME 'pwsh.dll')"
        "KLAB_MODULE_MANIFEST=$ModuleManifest"
        "KLAB_PROBE=$labProbe")

    foreach ($phase in $phases) {
        Write-LabStep "booting $($phase.Name)"
        $console = Join-Path $runDir "$($phase.Name).console.log"
        & bash (Join-Path $labDir 'boot.sh') $kernelDir $stateImage $resultsShare $phase.Name $console $phase.TimeoutSeconds
        $exit = $LASTEXITCODE
        $resultFile = Join-Path $resultsShare "$($phase.Name).json"
        $guestLog = Join-Path $resultsShare "$($phase.Name).guest.log"
        if (Test-Path $resultFile) {
            foreach ($check in @(Get-Content -Raw $resultFile | ConvertFrom-Json)) {
                $checks.Add($check)
            }
        }
        $finished = (Test-Path $guestLog) -and ((Get-Content -Raw $guestLog) -match 'scenarios exited with 0')
        if ($exit -ne 0 -or -not $finished) {
            $reason = if ($exit -eq 124) { "timed out after $($phase.TimeoutSeconds) s" } else { "QEMU exit code $exit" }
            $tail = if (Test-Path $guestLog) { (Get-Content $guestLog -Tail 5) -join ' | ' } else { (Get-Content $console -Tail 5 -ErrorAction Ignore) -join ' | ' }
            Add-HostCheck "$($phase.Name).completed" 'Failed' "the guest did not finish its scenarios ($reason); last lines: $tail; logs: $runDir"
        }
        else {
            Add-HostCheck "$($phase.Name).completed" 'Passed' $null
        }
        Write-LabStep "$($phase.Name) done"
    }

    Invoke-SimulatorDifferential
}
catch {
    Add-HostCheck 'lab.setup' 'Failed' $_.Exception.Message
}
finally {
    Write-LabSummary
}
