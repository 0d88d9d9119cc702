# Run by the conformance harness in a child pwsh: creates a simulated host with the laid-out module, or makes
# kernel-model writes on one (what a person with a shell on the host would do behind the provider's back).
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [ValidateSet('New', 'Write')] [string] $Action,
    [Parameter(Mandatory)] [string] $Path,
    [string] $Profile = 'spr-qat-e810',
    # Host writes as "path=value", separated by '|'; each goes through the simulated kernel, in order.
    [string] $Write = ''
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module $ManifestPath -ErrorAction Stop

if ($Action -eq 'New') {
    New-HdIovSimulatedHost -Profile $Profile -Path $Path | Out-Null
}

if ($Write) {
    # The engine lives in the module's private load context, which type literals do not search.
    $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' }
    if (-not $engine) {
        Get-HdIovSimulatedHostProfile | Out-Null
        $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' }
    }
    $simulatedHost = @($engine)[0].GetType('HdIov.Engine.Simulation.SimulatedHost', $true)::Open($Path)
    foreach ($item in $Write.Split('|')) {
        $at = $item.IndexOf('=')
        $simulatedHost.WriteAttribute($item.Substring(0, $at), $item.Substring($at + 1))
    }
}
