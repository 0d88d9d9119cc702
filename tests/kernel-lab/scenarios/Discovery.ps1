# Scenario 1: what the engine discovers on the real kernel, checked against sysfs read directly.
function Invoke-DiscoveryScenario {
    $state = (Get-LabEngineType 'HdIov.Engine.Discovery.HostObserver')::new((Get-LabEngineType 'HdIov.Engine.Host.HostFactory')::Open('/')).Observe([System.Threading.CancellationToken]::None)
    $inventory = Get-HdIovHost -HostRoot /

    Invoke-LabCheck 'discovery.vtd-unit' {
        Assert-LabEqual 1 $state.IommuUnits.Length 'VT-d units'
        $unit = $state.IommuUnits[0]
        Assert-LabEqual 'dmar0' $unit.Name 'unit name'
        $address = [Convert]::ToUInt64((Get-Content /sys/class/iommu/dmar0/intel-iommu/address -Raw).Trim(), 16)
        Assert-LabEqual $address $unit.Address 'register base'
    }

    Invoke-LabCheck 'discovery.ecap-decoded' {
        $unit = $state.IommuUnits[0]
        $ecap = [Convert]::ToUInt64((Get-Content /sys/class/iommu/dmar0/intel-iommu/ecap -Raw).Trim(), 16)
        Assert-LabEqual $ecap $unit.Ecap.Raw 'raw ecap'
        Assert-Lab $unit.Ecap.ScalableMode "ECAP.SMTS should be set by x-scalable-mode=on (ecap $('{0:x}' -f $ecap))"
        Assert-Lab (-not $unit.Ecap.Pasid) "ECAP.PASID should be clear on QEMU's VT-d (ecap $('{0:x}' -f $ecap))"
        Assert-Lab $unit.Ecap.InterruptRemapping 'ECAP.IR should be set by intremap=on'
        Assert-Lab $unit.Cap.CachingMode 'CAP.CM should be set by caching-mode=on'
    }

    Invoke-LabCheck 'discovery.cmdline-sm-on' {
        Assert-Lab $state.CommandLine.HasIntelIommuOption('sm_on') "intel_iommu=on,sm_on not recognised in '$($state.CommandLine.Raw)'"
        $settings = (Get-LabEngineType 'HdIov.Engine.Discovery.IntelIommuSettings')::From($state.CommandLine, $state.KernelOptions)
        Assert-LabEqual $true $settings.Enabled 'IOMMU enabled'
        Assert-LabEqual $true $settings.ScalableMode 'scalable mode requested'
    }

    Invoke-LabCheck 'discovery.dmar-table' {
        $dmar = $state.Dmar
        Assert-Lab ($null -ne $dmar) '/sys/firmware/acpi/tables/DMAR was not parsed'
        Assert-LabEqual 'BOCHS' $dmar.OemId.Trim() 'OEM id'
        Assert-LabEqual 1 $dmar.HardwareUnits.Length 'DRHD count'
        $drhd = $dmar.HardwareUnits[0]
        Assert-LabEqual $state.IommuUnits[0].Address $drhd.RegisterBase 'DRHD register base vs dmar0 address'
        # The first remapping structure read straight from the table: DRHD flags at byte 4, register base at 8.
        $raw = [System.IO.File]::ReadAllBytes('/sys/firmware/acpi/tables/DMAR')
        Assert-LabEqual 0 ([BitConverter]::ToUInt16($raw, 48)) 'type of the first remapping structure (DRHD)'
        Assert-LabEqual (($raw[52] -band 1) -eq 1) $drhd.IncludePciAll 'INCLUDE_PCI_ALL as parsed vs the raw flags byte'
        Assert-LabEqual ([BitConverter]::ToUInt64($raw, 56)) $drhd.RegisterBase 'register base as parsed vs the raw table'
        Assert-Lab ($drhd.IncludePciAll -or $drhd.Scopes.Length -gt 0) 'the DRHD covers no device: neither INCLUDE_PCI_ALL nor a device scope'
        Assert-LabEqual (($raw[37] -band 1) -eq 1) $dmar.InterruptRemapping 'INTR_REMAP flag as parsed vs the raw table'
        Assert-Lab $dmar.InterruptRemapping 'DMAR flags should announce interrupt remapping (intremap=on)'
        Add-LabRecord 'discovery.dmar' ([ordered]@{
                HostAddressWidth = $dmar.HostAddressWidth
                IncludePciAll    = $drhd.IncludePciAll
                ScopeTypes       = @($drhd.Scopes | ForEach-Object Type)
                ScopeBuses       = @($drhd.Scopes | ForEach-Object StartBus)
            })
    }

    Invoke-LabCheck 'discovery.mtty-types' {
        $parent = $state.FindParent('mtty')
        Assert-Lab ($null -ne $parent) 'mtty is not a registered mdev parent'
        Assert-LabEqual 'mtty-1,mtty-2' (($parent.Types | ForEach-Object Id) -join ',') 'type ids'
        $sysfs = Get-LabAvailable
        Assert-LabEqual '24,12' "$($sysfs['mtty-1']),$($sysfs['mtty-2'])" 'available_instances in sysfs'
        foreach ($type in $parent.Types) {
            Assert-LabEqual $sysfs[$type.Id] $type.Available.Count "$($type.Id) available_instances as discovered"
            Assert-LabEqual 'vfio-pci' $type.DeviceApi "$($type.Id) device_api"
        }
        Assert-LabEqual 'Single port serial,Dual port serial' (($parent.Types | ForEach-Object Name) -join ',') 'type names'
    }

    Invoke-LabCheck 'discovery.readiness-explains' {
        $pasid = @($inventory.Findings | Where-Object { $_.Code -eq 'HDIOV4003' })
        Assert-LabEqual 1 $pasid.Count 'PASID findings'
        Assert-LabEqual 'Blocker' $pasid[0].Level 'PASID finding level'
        Assert-Lab ($pasid[0].Message -match 'ECAP.SMTS=1' -and $pasid[0].Message -match 'ECAP.PASID=0') "the PASID finding should name SMTS=1 and PASID=0: $($pasid[0].Message)"
        Assert-Lab ($pasid[0].Message -match 'Scalable IOV') "the PASID finding should say which backends cannot run: $($pasid[0].Message)"
        $generic = @($inventory.Findings | Where-Object { $_.Code -eq 'HDIOV4012' -and $_.Subject -eq 'mtty' })
        Assert-LabEqual 1 $generic.Count 'generic mdev findings for mtty'
        Assert-LabEqual 'Ok' $generic[0].Level 'generic mdev finding level'
        Assert-Lab ($generic[0].Message -match 'do not need PASID') "the mtty finding should say generic mdevs need no PASID: $($generic[0].Message)"
        Assert-LabEqual $false $inventory.Ready 'Ready (a blocker for SIOV is expected)'
    }
}
