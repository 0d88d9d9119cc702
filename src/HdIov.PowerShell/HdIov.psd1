# Manifest template of the HdIov module. build.ps1 -Task Layout writes the version from
# Directory.Build.props (VersionPrefix) and checks that CmdletsToExport lists exactly the cmdlets
# the assembly defines.
@{
    RootModule           = 'HdIov.PowerShell.dll'
    # Imported before the root module: it loads the engine (dependencies/) into HdIov's private load context.
    NestedModules        = @('HdIov.PowerShell.Loader.dll')
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '97e4e850-b9d3-41cc-832a-72426429aed5'
    Author               = 'HdIov.Iac contributors'
    CompanyName          = 'HdIov.Iac'
    Copyright            = '(c) HdIov.Iac contributors'
    Description          = 'Declares the HD-IOV (Intel Scalable IOV) state of Linux virtualization hosts and converges it: inventory and readiness, plans, idempotent apply, simulated hosts to rehearse on.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('HdIov.format.ps1xml')

    # Explicit lists, no wildcards: PowerShell then knows the commands without loading the assembly.
    CmdletsToExport      = @(
        'Connect-HdIovVirtualDevice'
        'Disconnect-HdIovVirtualDevice'
        'Export-HdIovHostState'
        'Get-HdIovDevice'
        'Get-HdIovFleetPlan'
        'Get-HdIovHost'
        'Get-HdIovPlan'
        'Get-HdIovQemuArguments'
        'Get-HdIovSimulatedHostProfile'
        'Get-HdIovVirtualDevice'
        'Import-HdIovSpec'
        'Install-HdIovBootService'
        'Invoke-HdIovFleetRollout'
        'New-HdIovSimulatedHost'
        'New-HdIovVirtualDevice'
        'Remove-HdIovVirtualDevice'
        'Restart-HdIovSimulatedHost'
        'Set-HdIovHostState'
        'Test-HdIovFleetSpec'
        'Test-HdIovHostState'
        'Test-HdIovSpec'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    # What the PowerShell Gallery shows (build.ps1 -Task Package makes the Gallery's nupkg from this manifest).
    PrivateData          = @{
        PSData = @{
            Tags         = @('HD-IOV', 'SIOV', 'Scalable-IOV', 'SR-IOV', 'mdev', 'VFIO', 'QAT', 'E810', 'Linux', 'IaC', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/hdiov-iac/HdIov.Iac'
            LicenseUri   = 'https://github.com/hdiov-iac/HdIov.Iac/blob/main/LICENSE'
            ReleaseNotes = 'First release: inventory and readiness findings, spec documents with plans and idempotent converges (BIOS/IOMMU scalable mode, QAT 4xxx, E810, DSA/IAA, SR-IOV VFs, any mdev parent), VDEV attachments to VMs and containers, devices in use left alone and devices given back on release, fleet rollouts in waves over local host roots and SSH with JUnit, Markdown and JSON reports, and simulated hosts to rehearse on. Needs PowerShell 7.6 on Linux.'
        }
    }
}
