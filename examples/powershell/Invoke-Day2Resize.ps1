#Requires -Version 7.4
#Requires -Modules HdIov
<#
.SYNOPSIS
    Grows or shrinks the VDEV count of one type of one device entry, by editing a copy of the spec and converging it.

.DESCRIPTION
    The copy is checked with Test-HdIovSpec before anything is planned. Growing creates the new VDEVs with their
    derived UUIDs; shrinking removes the highest ordinals, and only VDEVs the engine owns. The original spec is not
    changed: review the copy and commit it in its place.

.PARAMETER HostRoot
    The host to converge. Default: $env:HDIOV_HOST_ROOT, else /.

.PARAMETER Path
    The spec document to start from. Default: ./host.yaml.

.PARAMETER Device
    The name of the device entry, for example qat.

.PARAMETER Type
    The VDEV type in the entry's vdevs map, for example asym or ice-vdcm. It must already be declared there.

.PARAMETER Count
    The new number of VDEVs of that type per selected PF.

.PARAMETER OutputPath
    Where to write the edited copy. Default: <spec name>.resized.yaml beside the spec.

.EXAMPLE
    ./Invoke-Day2Resize.ps1 -Path ./host.yaml -Device qat -Type asym -Count 6
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $HostRoot = $(if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }),
    [string] $Path = './host.yaml',
    [Parameter(Mandatory)] [string] $Device,
    [Parameter(Mandatory)] [string] $Type,
    [Parameter(Mandatory)] [ValidateRange(0, 4096)] [int] $Count,
    [string] $OutputPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not $OutputPath) {
    $OutputPath = [System.IO.Path]::ChangeExtension($Path, '.resized.yaml')
}

# The entry's lines run from its '- name: <Device>' to the next item at the same indentation or a key left of it.
$lines = @(Get-Content -LiteralPath $Path)
$start = -1
$indent = 0
for ($i = 0; $i -lt $lines.Count; $i++) {
    if ($lines[$i] -match "^(\s*)- name:\s*['""]?$([regex]::Escape($Device))['""]?\s*(#.*)?$") {
        $start = $i
        $indent = $Matches[1].Length
        break
    }
}
if ($start -lt 0) {
    Write-Host "$Path has no device entry named '$Device'."
    exit 1
}
$end = $lines.Count
for ($i = $start + 1; $i -lt $lines.Count; $i++) {
    if ($lines[$i] -match '^(\s*)\S' -and $Matches[1].Length -le $indent -and $lines[$i] -notmatch '^\s*#') {
        $end = $i
        break
    }
}

$typePattern = "(?<=[\s{,])$([regex]::Escape($Type))(\s*:\s*)\d+"
$edited = $false
for ($i = $start; $i -lt $end; $i++) {
    if ($lines[$i] -match '\bvdevs\s*:' -or ($edited -eq $false -and $i -gt $start -and $lines[$i - 1] -match '\bvdevs\s*:\s*$')) {
        if ($lines[$i] -match $typePattern) {
            $lines[$i] = [regex]::Replace($lines[$i], $typePattern, { param($m) "$Type$($m.Groups[1].Value)$Count" }, 'None', [timespan]::FromSeconds(1))
            $edited = $true
            break
        }
    }
}
if (-not $edited) {
    Write-Host "The device entry '$Device' in $Path declares no '$Type' VDEVs; add the type to its vdevs (and services) first."
    exit 1
}
Set-Content -LiteralPath $OutputPath -Value $lines
Write-Host "Wrote $OutputPath with $Device $Type = $Count."

if (-not (Test-HdIovSpec -Path $OutputPath)) {
    Write-Host "The edited spec is invalid; nothing was changed."
    exit 1
}
$before = @(Get-HdIovVirtualDevice -HostRoot $HostRoot -Name "$Device/*" -Type $Type).Count
try {
    $result = Set-HdIovHostState -Path $OutputPath -HostRoot $HostRoot -Confirm:$false -WhatIf:$WhatIfPreference
}
catch {
    Write-Host "Resize failed: $($_.Exception.Message)"
    exit 1
}
if ($WhatIfPreference) {
    exit 0
}
$after = @(Get-HdIovVirtualDevice -HostRoot $HostRoot -Name "$Device/*" -Type $Type).Count
Write-Host "$Device $Type VDEVs: $before -> $after ($($result.Completed.Count) step(s) applied)."
exit 0
