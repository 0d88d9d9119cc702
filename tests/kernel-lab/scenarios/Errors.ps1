# Scenario 3: the real kernel's errno values reach the user mapped to a cause and a fix, with the path.
# Expects no mdev on mtty when it starts; leaves none behind.

function Invoke-ErrorsScenario([string] $SpecDirectory) {
    $taken = '0c0ffee0-0000-4000-8000-00000000e0e0'

    Invoke-LabCheck 'errors.taken-uuid-eexist' {
        [System.IO.File]::WriteAllText((Get-LabMttyCreatePath 'mtty-2'), $taken)
        $hostSeam = (Get-LabEngineType 'HdIov.Engine.Host.HostFactory')::Open('/')
        $failure = $null
        try {
            $hostSeam.WriteAttribute((Get-LabMttyCreatePath 'mtty-1'), $taken)
        }
        catch {
            $failure = if ($_.Exception -is (Get-LabEngineType 'HdIov.Engine.Host.HostIoException')) { $_.Exception } else { $_.Exception.InnerException }
        }
        Assert-Lab ($failure -is (Get-LabEngineType 'HdIov.Engine.Host.HostIoException')) "no HostIoException: $failure"
        Assert-LabEqual 'EEXIST' $failure.Errno 'errno'
        Assert-Lab ($failure.Message -match [regex]::Escape((Get-LabMttyCreatePath 'mtty-1'))) "the message should name the path: $($failure.Message)"
        Assert-Lab ($failure.Message -match 'already used by another mediated device') "the message should say what EEXIST means here: $($failure.Message)"
        [System.IO.File]::WriteAllText("/sys/bus/mdev/devices/$taken/remove", '1')
    }

    Invoke-LabCheck 'errors.malformed-uuid-einval' {
        Assert-LabEqual 'EINVAL' (Invoke-LabWrite -HostRoot / -Path (Get-LabMttyCreatePath 'mtty-1') -Value 'not-a-uuid') 'errno for a malformed UUID'
    }

    # mtty's two types share 24 ports but each type's available_instances is counted alone; the plan checks the types
    # together (sum of count / available at most 1), so this spec is refused before anything is created.
    $shared = New-LabSpec -Path "$SpecDirectory/errors-shared-budget.yaml" -Mtty ([ordered]@{ 'mtty-1' = 20; 'mtty-2' = 4 })
    Invoke-LabCheck 'errors.shared-pool-refused-at-plan' {
        $failure = $null
        try {
            $null = Set-HdIovHostState -Path $shared -HostRoot / -Confirm:$false -ErrorAction Stop
        }
        catch {
            $failure = $_
        }
        Assert-Lab ($null -ne $failure) 'planning 20 x mtty-1 and 4 x mtty-2 on 24 ports did not fail'
        Assert-Lab ($failure.FullyQualifiedErrorId -like 'HDIOV2002*') "error id: $($failure.FullyQualifiedErrorId)"
        $message = $failure.Exception.Message
        Assert-Lab ($message -match '20 mtty-1 \(24 available, 1 share each\) \+ 4 mtty-2 \(12 available, 2 shares each\) need 28 of its 24 free shares') "the message should name the types and the numbers: $message"
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after the refused plan'
    }

    # 20 x 1 + 2 x 2 = 24 ports: exactly the pool, so it plans and applies; then the kernel has nothing left.
    $full = New-LabSpec -Path "$SpecDirectory/errors-full-pool.yaml" -Mtty ([ordered]@{ 'mtty-1' = 20; 'mtty-2' = 2 })
    Invoke-LabCheck 'errors.shared-pool-exactly-full-applies' {
        $null = Set-HdIovHostState -Path $full -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 22 @(Get-LabMdev).Count 'mdevs with the 24 ports taken (20 + 2 x 2)'
    }

    Invoke-LabCheck 'errors.no-instances-left-direct' {
        Assert-LabEqual 'ENOSPC' (Invoke-LabWrite -HostRoot / -Path (Get-LabMttyCreatePath 'mtty-1') -Value ([guid]::NewGuid().ToString())) 'errno with every port taken'
    }

    Invoke-LabCheck 'errors.cleanup-converge' {
        $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/errors-empty.yaml") -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after converging to no devices'
    }
}
