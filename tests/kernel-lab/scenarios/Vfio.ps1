# Scenario 5: a VDEV's VFIO group answers the VFIO ioctls the way a VMM needs (API version, type1, viable).
# Expects no mdev on mtty when it starts; leaves none behind.

function Invoke-LabProbe([string] $LabProbe, [string[]] $Arguments) {
    $output = & dotnet $LabProbe @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "LabProbe $($Arguments -join ' ') exited with $LASTEXITCODE`: $output"
    }
    $output
}

function Assert-LabVfioGroup([string] $LabProbe, [int] $Group, [string] $What) {
    $node = "/dev/vfio/$Group"
    Assert-Lab (Test-Path -LiteralPath $node) "$node does not exist for $What"
    $report = Invoke-LabProbe $LabProbe @('vfio', "$Group") | ConvertFrom-Json
    Assert-LabEqual 0 $report.ApiVersion "VFIO_GET_API_VERSION for $What"
    Assert-LabEqual $true $report.Type1Iommu "VFIO_CHECK_EXTENSION(VFIO_TYPE1_IOMMU) for $What"
    Assert-LabEqual $true $report.Viable "VFIO_GROUP_GET_STATUS viable flag of group $Group ($What)"
}

function Invoke-VfioScenario([string] $SpecDirectory, [string] $LabProbe) {
    $spec = New-LabSpec -Path "$SpecDirectory/vfio.yaml" -Mtty ([ordered]@{ 'mtty-2' = 1 })

    Invoke-LabCheck 'vfio.vdev-group-viable' {
        $null = Set-HdIovHostState -Path $spec -HostRoot / -Confirm:$false -ErrorAction Stop
        $vdev = @(Get-HdIovVirtualDevice -HostRoot / | Where-Object VdevName -eq 'mtty/0/mtty-2/0')
        Assert-LabEqual 1 $vdev.Count 'VDEVs named mtty/0/mtty-2/0'
        $sysfs = @(Get-LabMdev | Where-Object Uuid -eq "$($vdev[0].Uuid)")
        Assert-LabEqual $sysfs[0].IommuGroup $vdev[0].IommuGroup 'IOMMU group as the engine reports it vs the iommu_group link'
        Assert-LabVfioGroup $LabProbe $vdev[0].IommuGroup 'mtty/0/mtty-2/0'
    }

    Invoke-LabCheck 'vfio.cleanup-converge' {
        $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/vfio-empty.yaml") -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after converging to no devices'
    }
}
