# Scenario 8: SR-IOV on QEMU's NVMe controller (a real SR-IOV PF with 2 VFs): converge a VF count with the VFs
# bound to vfio-pci, change the count (through 0), and check a VF's VFIO group. Leaves SR-IOV disabled.

$script:NvmePf = '0000:01:00.0'

function Get-LabVf {
    $pf = "/sys/bus/pci/devices/$script:NvmePf"
    @(for ($index = 0; Test-Path -LiteralPath "$pf/virtfn$index"; $index++) {
            $address = [System.IO.Path]::GetFileName((Get-Item -LiteralPath "$pf/virtfn$index").LinkTarget)
            $device = "/sys/bus/pci/devices/$address"
            $driver = if (Test-Path -LiteralPath "$device/driver") { [System.IO.Path]::GetFileName((Get-Item -LiteralPath "$device/driver").LinkTarget) } else { $null }
            [pscustomobject]@{
                Address    = $address
                Driver     = $driver
                Override   = [System.IO.File]::ReadAllText("$device/driver_override").Trim()
                IommuGroup = [int] [System.IO.Path]::GetFileName((Get-Item -LiteralPath "$device/iommu_group").LinkTarget)
            }
        })
}

function Get-LabNumVfs { [int] [System.IO.File]::ReadAllText("/sys/bus/pci/devices/$script:NvmePf/sriov_numvfs").Trim() }

function Assert-LabVfsOnVfio([int] $Count) {
    Assert-LabEqual $Count (Get-LabNumVfs) 'sriov_numvfs'
    $vfs = Get-LabVf
    Assert-LabEqual $Count $vfs.Count 'virtfn links'
    foreach ($vf in $vfs) {
        Assert-LabEqual 'vfio-pci' $vf.Driver "driver of VF $($vf.Address)"
        Assert-LabEqual 'vfio-pci' $vf.Override "driver_override of VF $($vf.Address)"
    }
}

function Invoke-SriovScenario([string] $SpecDirectory, [string] $LabProbe) {
    Invoke-LabCheck 'sriov.pf-discovered' {
        $state = (Get-LabEngineType 'HdIov.Engine.Discovery.HostObserver')::new((Get-LabEngineType 'HdIov.Engine.Host.HostFactory')::Open('/')).Observe([System.Threading.CancellationToken]::None)
        $pf = $state.FindFunction((Get-LabEngineType 'HdIov.Engine.Hardware.Pci.PciAddress')::Parse($script:NvmePf))
        Assert-Lab ($null -ne $pf) "$script:NvmePf was not discovered"
        Assert-LabEqual 'nvme' $pf.Driver 'PF driver'
        $total = [int] [System.IO.File]::ReadAllText("/sys/bus/pci/devices/$script:NvmePf/sriov_totalvfs").Trim()
        Assert-LabEqual 2 $total 'sriov_totalvfs in sysfs'
        Assert-LabEqual $total $pf.Sriov.TotalVfs 'TotalVfs as discovered'
        Assert-LabEqual 0 $pf.Sriov.NumVfs 'NumVfs as discovered'
        Assert-Lab ($null -ne $pf.Capabilities.Sriov) 'the SR-IOV extended capability was not found in config space'
    }

    $two = New-LabSpec -Path "$SpecDirectory/sriov-2.yaml" -Vfs 2
    Invoke-LabCheck 'sriov.converge-vfs-on-vfio-pci' {
        $null = Set-HdIovHostState -Path $two -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabVfsOnVfio 2
        Assert-LabEqual '1' ([System.IO.File]::ReadAllText("/sys/bus/pci/devices/$script:NvmePf/sriov_drivers_autoprobe").Trim()) 'sriov_drivers_autoprobe after converging (put back as found)'
        Assert-LabEqual 0 (Get-HdIovPlan -Path $two -HostRoot / -ErrorAction Stop).Steps.Length 'steps planned after converging'
    }

    Invoke-LabCheck 'sriov.vf-vfio-group' {
        $vf = (Get-LabVf)[0]
        $members = @([System.IO.Directory]::GetFileSystemEntries("/sys/kernel/iommu_groups/$($vf.IommuGroup)/devices") | ForEach-Object {
                $driverLink = "$_/driver"
                if (Test-Path -LiteralPath $driverLink) { [System.IO.Path]::GetFileName((Get-Item -LiteralPath $driverLink).LinkTarget) } else { '' }
            })
        $report = Invoke-LabProbe $LabProbe @('vfio', "$($vf.IommuGroup)") | ConvertFrom-Json
        Assert-LabEqual 0 $report.ApiVersion 'VFIO_GET_API_VERSION'
        # The kernel's rule: a group is viable when every member is bound to a VFIO driver or to none.
        $viable = -not ($members | Where-Object { $_ -ne '' -and $_ -ne 'vfio-pci' })
        Assert-LabEqual $viable $report.Viable "viable flag of group $($vf.IommuGroup) (members' drivers: $($members -join ', '))"
        Assert-Lab $report.Viable "group $($vf.IommuGroup) of VF $($vf.Address) is not viable (members' drivers: $($members -join ', '))"
    }

    Invoke-LabCheck 'sriov.kernel-refuses-n-to-m' {
        Assert-LabEqual 'EBUSY' (Invoke-LabWrite -HostRoot / -Path "/sys/bus/pci/devices/$script:NvmePf/sriov_numvfs" -Value '1') 'errno for 2 -> 1 VFs'
        Assert-LabEqual 2 (Get-LabNumVfs) 'sriov_numvfs after the refused write'
    }

    $one = New-LabSpec -Path "$SpecDirectory/sriov-1.yaml" -Vfs 1
    Invoke-LabCheck 'sriov.change-count-through-zero' {
        $plan = Get-HdIovPlan -Path $one -HostRoot / -ErrorAction Stop
        $counts = @($plan.Steps | Where-Object { $_.Operation -is (Get-LabEngineType 'HdIov.Engine.Planning.SetVfCount') } | ForEach-Object { "$($_.Operation.From)->$($_.Operation.To)" })
        Assert-LabEqual '2->0,0->1' ($counts -join ',') 'VF count steps'
        $null = Set-HdIovHostState -Path $one -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabVfsOnVfio 1
    }

    Invoke-LabCheck 'sriov.over-total-refused-at-plan' {
        $refusal = $null
        try {
            $null = Get-HdIovPlan -Path (New-LabSpec -Path "$SpecDirectory/sriov-3.yaml" -Vfs 3) -HostRoot / -ErrorAction Stop
        }
        catch {
            $refusal = $_
        }
        Assert-Lab ($null -ne $refusal -and $refusal.FullyQualifiedErrorId -like 'HDIOV2002*') "3 VFs on a PF with sriov_totalvfs 2 were not refused: $refusal"
        Assert-LabEqual 1 (Get-LabNumVfs) 'sriov_numvfs after the refused spec'
    }

    Invoke-LabCheck 'sriov.disable' {
        $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/sriov-0.yaml" -Vfs 0) -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 (Get-LabNumVfs) 'sriov_numvfs after converging to 0 VFs'
    }
}
