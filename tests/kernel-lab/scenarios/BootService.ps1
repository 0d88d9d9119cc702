# Scenario 9: the boot unit. The first boot installs Install-HdIovBootService's unit for the spec the persistence
# scenario converged (the unit's pwsh is a wrapper that runs the lab's pwsh.dll, as on a host with pwsh as a .NET tool).
# The guest has no systemd as PID 1, so the second boot does what systemd would: it reads the installed unit's
# ExecStart=, splits it into words the way systemd does, and runs that program with those arguments, once the VDEVs
# are gone from the kernel and from mdevctl (left only in the engine's ledger, as after a reboot without mdevctl's
# autostart). The VDEVs come back with the same UUIDs and a converge plans nothing.

$script:BootUnit = '/etc/systemd/system/hdiov-converge.service'
$script:BootWantsDropIn = '/etc/systemd/system/multi-user.target.d/hdiov-converge.conf'

# One ExecStart= command line as systemd.service(5) "Command lines" splits it: words separated by whitespace, a word
# quoted with "..." or '...' (C escapes inside double quotes), "$$" for a literal "$" and "%%" for a literal "%".
# Prefixes (-, @, +, !), environment variables and specifiers other than %% are not used by the unit and refused.
function Split-LabExecStart([Parameter(Mandatory)] [string] $CommandLine) {
    if ($CommandLine -match '^[-@+!:|]') {
        throw "ExecStart prefix '$($CommandLine[0])' is not handled here: $CommandLine"
    }
    $words = [System.Collections.Generic.List[string]]::new()
    $index = 0
    while ($index -lt $CommandLine.Length) {
        if ([char]::IsWhiteSpace($CommandLine[$index])) {
            $index++
            continue
        }
        $word = [System.Text.StringBuilder]::new()
        $quote = $CommandLine[$index]
        if ($quote -eq '"' -or $quote -eq "'") {
            $index++
            while ($index -lt $CommandLine.Length -and $CommandLine[$index] -ne $quote) {
                if ($quote -eq '"' -and $CommandLine[$index] -eq '\' -and $index + 1 -lt $CommandLine.Length) {
                    $index++
                }
                $null = $word.Append($CommandLine[$index])
                $index++
            }
            if ($index -ge $CommandLine.Length) {
                throw "unterminated $quote in ExecStart: $CommandLine"
            }
            $index++
        }
        else {
            while ($index -lt $CommandLine.Length -and -not [char]::IsWhiteSpace($CommandLine[$index])) {
                $null = $word.Append($CommandLine[$index])
                $index++
            }
        }
        $text = $word.ToString().Replace('$$', "`u{1}").Replace('%%', "`u{2}")
        if ($text.Contains('$') -or $text.Contains('%')) {
            throw "ExecStart uses an environment variable or a specifier, which this lab does not expand: $word"
        }
        $words.Add($text.Replace("`u{1}", '$').Replace("`u{2}", '%'))
    }
    , $words.ToArray()
}

function Invoke-BootServiceBeforeReboot([string] $SpecDirectory) {
    Invoke-LabCheck 'bootservice.installed' {
        $pwsh = Join-Path $SpecDirectory 'pwsh'
        [System.IO.File]::WriteAllText($pwsh, "#!/bin/sh`nexec '$([Environment]::ProcessPath)' '$(Join-Path $PSHOME 'pwsh.dll')' `"`$@`"`n")
        [System.IO.File]::SetUnixFileMode($pwsh, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
        Install-HdIovBootService -Path "$SpecDirectory/persistent.yaml" -PwshPath $pwsh -HostRoot / -Confirm:$false -ErrorAction Stop
        $execStart = @(Get-Content -LiteralPath $script:BootUnit | Where-Object { $_.StartsWith('ExecStart=') })
        Assert-LabEqual 1 $execStart.Count 'ExecStart= lines in the unit'
        Assert-Lab ($execStart[0].StartsWith("ExecStart=$pwsh ")) "the unit runs another program: $($execStart[0])"
        Assert-Lab ((Get-Content -Raw -LiteralPath $script:BootWantsDropIn) -match 'Wants=hdiov-converge\.service') 'multi-user.target does not want the unit'
    }
}

function Invoke-BootServiceAfterReboot([string] $SpecDirectory) {
    Invoke-LabCheck 'bootservice.exec-start-brings-vdevs-back' {
        Assert-Lab (Test-Path -LiteralPath $script:BootUnit) "the unit installed before the reboot is gone: $script:BootUnit"
        $line = @(Get-Content -LiteralPath $script:BootUnit | Where-Object { $_.StartsWith('ExecStart=') })[0]
        $words = Split-LabExecStart $line.Substring('ExecStart='.Length)
        Assert-Lab ($words.Count -ge 3 -and $words[-2] -eq '-Command') "ExecStart does not end with -Command <script>: $($words -join ' | ')"
        Assert-Lab ($words[-1].Contains("Set-HdIovHostState -Path '$SpecDirectory/persistent.yaml' -HostRoot / -Force -Confirm:`$false")) "the command does not converge the spec: $($words[-1])"

        # Left only in the ledger: nothing in the kernel, no mdevctl definition that could start them.
        $expected = Get-LabPersistedExpectation
        foreach ($mdev in Get-LabMdev) {
            [System.IO.File]::WriteAllText("/sys/bus/mdev/devices/$($mdev.Uuid)/remove", '1')
        }
        foreach ($definition in @((Get-LabMdevctlFile).Keys)) {
            [System.IO.File]::Delete("/etc/mdevctl.d/mtty/$definition")
        }
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs before the unit runs'
        Assert-LabEqual 0 (Get-LabMdevctlFile).Count 'mdevctl definitions before the unit runs'

        $start = [System.Diagnostics.ProcessStartInfo]::new($words[0])
        foreach ($word in $words[1..($words.Count - 1)]) {
            $start.ArgumentList.Add($word)
        }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start)
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        Assert-Lab ($process.WaitForExit(300000)) 'the unit command did not finish within 300 s'
        Write-LabLog "unit command exited with $($process.ExitCode): $($output.Result.Trim()) $($errors.Result.Trim())"
        Assert-LabEqual 0 $process.ExitCode "the unit command's exit code (stderr: $($errors.Result.Trim()))"

        Assert-LabEqual ($expected | ForEach-Object { "$($_.Uuid):$($_.Type)" }) (Get-LabMdev | ForEach-Object { "$($_.Uuid):$($_.Type)" }) 'mdevs after the unit ran'
        Assert-LabMdevctlDefined 'after the unit ran'
    }

    Invoke-LabCheck 'bootservice.converge-after-no-steps' {
        Assert-LabEqual 0 (Get-HdIovPlan -Path "$SpecDirectory/persistent.yaml" -HostRoot / -ErrorAction Stop).Steps.Length 'steps planned after the unit ran'
    }
}
