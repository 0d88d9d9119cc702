# Scenario 7: one operation sequence, run on the real kernel (in the guest) and on the simulator's mtty-lab
# profile (on the host); every observation is a named field, and the host compares them field by field.
# Expects no mdev on mtty when it starts; leaves none behind.

function Get-LabObservation([string] $HostRoot) {
    $observation = [ordered]@{}
    $observation['mdevs'] = (@(Get-LabMdev $HostRoot | ForEach-Object { "$($_.Uuid):$($_.Type)" }) -join ' ')
    foreach ($entry in (Get-LabAvailable $HostRoot).GetEnumerator()) {
        $observation["available/$($entry.Key)"] = "$($entry.Value)"
    }
    $observation['mdevctl-definitions'] = (@((Get-LabMdevctlFile $HostRoot).Keys) -join ' ')
    $observation
}

# Converges and reports the outcome as fields: 'ok', or the error id, the kernel's errno and the failing step.
function Invoke-LabConverge([string] $HostRoot, [string] $Spec) {
    $outcome = [ordered]@{}
    try {
        $result = Set-HdIovHostState -Path $Spec -HostRoot $HostRoot -Confirm:$false -ErrorAction Stop
        $outcome['outcome'] = 'ok'
        $outcome['steps'] = (@($result.Completed | ForEach-Object { "$($_.Symbol) $($_.Address)" }) -join ', ')
    }
    catch {
        $outcome['outcome'] = ($_.FullyQualifiedErrorId -split ',')[0]
        $outcome['errno'] = if ($_.Exception.Message -match '\((E[A-Z]+)\)') { $Matches[1] } else { '' }
        $outcome['failed-step'] = if ($_.Exception.Message -match 'step \d+ \(([^:]+):') { $Matches[1] } else { '' }
    }
    $outcome
}

# Runs the sequence on one host and returns its observations: step name -> field -> value (all text).
function Invoke-LabDifferentialSequence([string] $HostRoot, [string] $SpecDirectory) {
    $steps = [ordered]@{}
    $types = "$(Join-HostPath $HostRoot '/sys/class/mdev_bus/mtty/mdev_supported_types')"
    $typeFields = [ordered]@{}
    foreach ($type in ([System.IO.Directory]::GetDirectories($types) | Sort-Object)) {
        $id = [System.IO.Path]::GetFileName($type)
        foreach ($attribute in 'name', 'device_api', 'available_instances') {
            $typeFields["$id/$attribute"] = [System.IO.File]::ReadAllText("$type/$attribute").Trim()
        }
    }
    $steps['types'] = $typeFields

    # The platform as the engine discovers it: the fields a simulated profile must reproduce for the same plans.
    $state = (Get-LabEngineType 'HdIov.Engine.Discovery.HostObserver')::new((Get-LabEngineType 'HdIov.Engine.Host.HostFactory')::Open($HostRoot)).Observe([System.Threading.CancellationToken]::None)
    $steps['platform'] = [ordered]@{
        'vtd-units'                = "$($state.IommuUnits.Length)"
        'ecap-smts'                = "$(@($state.IommuUnits | ForEach-Object { $_.Ecap.ScalableMode }) -join ',')"
        'ecap-pasid'               = "$(@($state.IommuUnits | ForEach-Object { $_.Ecap.Pasid }) -join ',')"
        'dmar-drhds'               = "$($state.Dmar.HardwareUnits.Length)"
        'dmar-include-pci-all'     = "$(@($state.Dmar.HardwareUnits | ForEach-Object IncludePciAll) -join ',')"
        'dmar-host-address-width'  = "$($state.Dmar.HostAddressWidth)"
        'readiness'                = (@($state.Findings | Where-Object { $_.Code -in 'HDIOV4002', 'HDIOV4003', 'HDIOV4012' } |
                    ForEach-Object { "$($_.Code):$($_.Level):$($_.Subject)" } | Sort-Object) -join ' ')
    }

    $spec = New-LabSpec -Path "$SpecDirectory/differential-3-2.yaml" -Mtty ([ordered]@{ 'mtty-1' = 3; 'mtty-2' = 2 })
    $steps['converge-3-2'] = (Invoke-LabConverge $HostRoot $spec) + (Get-LabObservation $HostRoot)

    $taken = "$(Get-LabVdevUuid 'mtty/0/mtty-1/0')"
    $steps['create-taken-uuid'] = [ordered]@{ errno = Invoke-LabWrite $HostRoot (Get-LabMttyCreatePath 'mtty-2') $taken }
    $steps['create-malformed-uuid'] = [ordered]@{ errno = Invoke-LabWrite $HostRoot (Get-LabMttyCreatePath 'mtty-1') 'not-a-uuid' }

    $outside = '0c0ffee0-0000-4000-8000-0000000000d1'
    $steps['create-outside'] = [ordered]@{ errno = Invoke-LabWrite $HostRoot (Get-LabMttyCreatePath 'mtty-2') $outside } + (Get-LabObservation $HostRoot)

    # 16 + 2 x 4 ports and the outside device's 2 do not fit in 24; each type's own count would pass, the types together are refused at plan time.
    $spec = New-LabSpec -Path "$SpecDirectory/differential-16-4.yaml" -Mtty ([ordered]@{ 'mtty-1' = 16; 'mtty-2' = 4 })
    $steps['converge-over-shared-budget'] = (Invoke-LabConverge $HostRoot $spec) + (Get-LabObservation $HostRoot)

    # 13 more ports for mtty-1 and one more mtty-2 take exactly the 15 ports left (available: 15 and 7).
    $spec = New-LabSpec -Path "$SpecDirectory/differential-16-3.yaml" -Mtty ([ordered]@{ 'mtty-1' = 16; 'mtty-2' = 3 })
    $steps['converge-fill-shared-pool'] = (Invoke-LabConverge $HostRoot $spec) + (Get-LabObservation $HostRoot)

    $steps['create-when-full'] = [ordered]@{ errno = Invoke-LabWrite $HostRoot (Get-LabMttyCreatePath 'mtty-1') '0c0ffee0-0000-4000-8000-0000000000d2' }
    $steps['remove-not-a-number'] = [ordered]@{ errno = Invoke-LabWrite $HostRoot "/sys/bus/mdev/devices/$outside/remove" 'yes' }
    $steps['remove-outside'] = [ordered]@{ errno = Invoke-LabWrite $HostRoot "/sys/bus/mdev/devices/$outside/remove" '1' } + (Get-LabObservation $HostRoot)

    $spec = New-LabSpec -Path "$SpecDirectory/differential-2.yaml" -Mtty ([ordered]@{ 'mtty-1' = 2 })
    $steps['converge-shrink'] = (Invoke-LabConverge $HostRoot $spec) + (Get-LabObservation $HostRoot)

    $spec = New-LabSpec -Path "$SpecDirectory/differential-empty.yaml"
    $steps['converge-empty'] = (Invoke-LabConverge $HostRoot $spec) + (Get-LabObservation $HostRoot)
    $steps
}

# Compares two runs of the sequence; returns one line per differing field, naming step and field.
function Compare-LabDifferential([System.Collections.IDictionary] $Kernel, [System.Collections.IDictionary] $Simulator) {
    $differences = [System.Collections.Generic.List[string]]::new()
    foreach ($step in @(@($Kernel.Keys) + @($Simulator.Keys) | Select-Object -Unique)) {
        $left = if ($Kernel.Contains($step)) { $Kernel[$step] } else { @{} }
        $right = if ($Simulator.Contains($step)) { $Simulator[$step] } else { @{} }
        foreach ($field in @(@($left.Keys) + @($right.Keys) | Select-Object -Unique)) {
            $kernelValue = if ($left.Contains($field)) { "$($left[$field])" } else { '(absent)' }
            $simulatorValue = if ($right.Contains($field)) { "$($right[$field])" } else { '(absent)' }
            if ($kernelValue -cne $simulatorValue) {
                $differences.Add("$step/$field`: kernel '$kernelValue', simulator '$simulatorValue'")
            }
        }
    }
    $differences
}
