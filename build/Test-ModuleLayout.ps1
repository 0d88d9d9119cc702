<#
.SYNOPSIS
    Checks a laid-out module in a fresh process: the manifest is valid, carries the expected version,
    and exports exactly the cmdlets its assembly defines.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $ExpectedVersion
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$manifest = Test-ModuleManifest -Path $ManifestPath
if ($manifest.Version -ne [version] $ExpectedVersion) {
    throw "The manifest says version $($manifest.Version); Directory.Build.props says $ExpectedVersion."
}

$module = Import-Module $ManifestPath -PassThru
$compiled = @($module.ImplementingAssembly.GetExportedTypes() |
        ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
        ForEach-Object { "$($_.VerbName)-$($_.NounName)" } |
        Sort-Object)
$declared = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport | Sort-Object)

$notDeclared = @($compiled | Where-Object { $_ -notin $declared })
$notCompiled = @($declared | Where-Object { $_ -notin $compiled })
if ($notDeclared.Count -gt 0 -or $notCompiled.Count -gt 0) {
    throw ("CmdletsToExport in src/HdIov.PowerShell/HdIov.psd1 must list exactly the compiled cmdlets. " +
        "Add: $($notDeclared -join ', '). Remove: $($notCompiled -join ', ').")
}
$exported = @($module.ExportedCmdlets.Keys | Sort-Object)
if (($exported -join ',') -ne ($compiled -join ',')) {
    throw "The module exports [$($exported -join ', ')] but its assembly defines [$($compiled -join ', ')]."
}
