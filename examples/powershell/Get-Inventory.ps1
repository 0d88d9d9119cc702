#Requires -Version 7.4
#Requires -Modules HdIov
<#
.SYNOPSIS
    Prints an inventory report of a host: platform, readiness, the devices that can be split and their VDEVs.

.DESCRIPTION
    Everything comes from Get-HdIovHost, Get-HdIovDevice and Get-HdIovVirtualDevice; nothing on the host changes.
    When the spec at -Path exists, the report ends with whether the host is in the state it declares.

.PARAMETER HostRoot
    The host to report on: a simulated host's folder, or / for this machine. Default: $env:HDIOV_HOST_ROOT, else /.

.PARAMETER Path
    A spec document to compare with. Default: ./host.yaml (skipped when there is none).

.EXAMPLE
    ./Get-Inventory.ps1 -HostRoot ./lab
#>
[CmdletBinding()]
param(
    [string] $HostRoot = $(if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }),
    [string] $Path = './host.yaml'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$inventory = Get-HdIovHost -HostRoot $HostRoot
"Host:      $($inventory.HostRoot)$(if ($inventory.Simulated) { ' (simulated)' })"
"Platform:  $($inventory.Platform), $($inventory.Cpu); $($inventory.Sockets) socket(s), $($inventory.NumaNodes) NUMA node(s)"
"Kernel:    $($inventory.Kernel)"
"Ready:     $(if ($inventory.Ready) { 'yes' } else { 'no' })"
''

$findings = @($inventory.Findings | Where-Object Level -ne 'Info')
if ($findings.Count -gt 0) {
    'Readiness findings:'
    $findings | Format-Table Level, Code, Subject, Fix -Wrap | Out-String -Width 160
}

'Devices that can be split:'
Get-HdIovDevice -HostRoot $HostRoot | Format-Table PciAddress, Family, Driver, NumaNode, Mode, Capacity -Wrap | Out-String -Width 160

$virtual = @(Get-HdIovVirtualDevice -HostRoot $HostRoot)
"Virtual devices: $($virtual.Count) ($(@($virtual | Where-Object Owned).Count) owned by HdIov)"
if ($virtual.Count -gt 0) {
    $virtual | Group-Object Parent, Type, Owned -NoElement | Sort-Object Name | Format-Table Count, Name | Out-String -Width 160
}

if (Test-Path -LiteralPath $Path) {
    $inSync = Test-HdIovHostState -Path $Path -HostRoot $HostRoot
    "Spec $Path`: $(if ($inSync) { 'the host matches it' } else { 'the host differs; run Test-Drift.ps1 for the details' })"
}
