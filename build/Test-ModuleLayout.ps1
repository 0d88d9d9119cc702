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

# The private load context: only the cmdlet assembly and the loader sit beside the manifest; the engine and its packages are in
# dependencies/ and load into HdIov's own context. The cmdlet assembly must not refer to YamlDotNet, or its types
# would be bound in the default context, where another module's YamlDotNet may already be.
$moduleBase = Split-Path $ManifestPath
$misplaced = @(Get-ChildItem -Path $moduleBase -Filter *.dll | Where-Object Name -notin 'HdIov.PowerShell.dll', 'HdIov.PowerShell.Loader.dll')
if ($misplaced.Count -gt 0) {
    throw "Only HdIov.PowerShell.dll and HdIov.PowerShell.Loader.dll belong beside the manifest; move $($misplaced.Name -join ', ') to dependencies/."
}
foreach ($required in 'HdIov.Engine.dll', 'YamlDotNet.dll') {
    if (-not (Test-Path (Join-Path $moduleBase 'dependencies' $required))) {
        throw "dependencies/$required is missing from the laid-out module."
    }
}
$references = @($module.ImplementingAssembly.GetReferencedAssemblies().Name)
if ($references -contains 'YamlDotNet') {
    throw 'HdIov.PowerShell.dll refers to YamlDotNet; keep YAML types inside the engine and pass text or engine types to the cmdlets.'
}
Get-HdIovSimulatedHostProfile | Out-Null
$engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' }
$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine)
if ($context -eq [System.Runtime.Loader.AssemblyLoadContext]::Default) {
    throw 'HdIov.Engine loaded into the default load context; the loader (HdIov.PowerShell.Loader.ModuleLoader, the nested module of the manifest) did not run.'
}
