<#
.SYNOPSIS
    Packs the laid-out module into the nupkg the PowerShell Gallery takes, with PSResourceGet's own Compress-PSResource.

.DESCRIPTION
    Run by build.ps1 -Task Package in a fresh pwsh. Compress-PSResource reads the manifest (version, description,
    ProjectUri, LicenseUri, Tags, ReleaseNotes) and writes <Name>.<Version>.nupkg; it contacts no repository, so
    nothing reaches the network. The result is checked: one nupkg with the manifest, the cmdlet assembly, the loader
    and dependencies/ at its root, and a nuspec carrying the Gallery's fields.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDirectory,
    [Parameter(Mandatory)] [string] $DestinationDirectory
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
$manifest = Import-PowerShellDataFile (Join-Path $ModuleDirectory 'HdIov.psd1')
$packagePath = Join-Path $DestinationDirectory "HdIov.$($manifest.ModuleVersion).nupkg"
if (Test-Path $packagePath) {
    Remove-Item $packagePath
}

Compress-PSResource -Path $ModuleDirectory -DestinationPath $DestinationDirectory

if (-not (Test-Path $packagePath)) {
    throw "Compress-PSResource wrote no $packagePath (found: $((Get-ChildItem $DestinationDirectory -Name) -join ', '))."
}

Add-Type -AssemblyName System.IO.Compression.FileSystem
$archive = [System.IO.Compression.ZipFile]::OpenRead($packagePath)
try {
    $entries = @($archive.Entries.FullName)
    foreach ($required in 'HdIov.psd1', 'HdIov.PowerShell.dll', 'HdIov.PowerShell.Loader.dll', 'HdIov.format.ps1xml', 'dependencies/HdIov.Engine.dll', 'en-US/HdIov.PowerShell.dll-Help.xml') {
        if ($entries -notcontains $required) {
            throw "$packagePath lacks $required."
        }
    }
    $nuspecEntry = $archive.Entries | Where-Object FullName -EQ 'HdIov.nuspec'
    $reader = [System.IO.StreamReader]::new($nuspecEntry.Open())
    $nuspec = [xml] $reader.ReadToEnd()
    $reader.Dispose()
    $metadata = $nuspec.package.metadata
    foreach ($field in 'id', 'version', 'description', 'projectUrl', 'tags', 'releaseNotes') {
        if ([string]::IsNullOrWhiteSpace($metadata.$field)) {
            throw "The nuspec of $packagePath has no $field; set it in src/HdIov.PowerShell/HdIov.psd1."
        }
    }
}
finally {
    $archive.Dispose()
}
Write-Host "Module package: $packagePath"
