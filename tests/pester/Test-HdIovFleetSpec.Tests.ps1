BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $example = Join-Path (Get-RepoRoot) 'examples' 'fleet' 'fleet.yaml'
}

Describe 'Test-HdIovFleetSpec' -Tag Spec, Fleet {
    BeforeEach {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "hdiov-fleet-$([guid]::NewGuid())"
        New-Item -ItemType Directory $dir | Out-Null
        Set-Content (Join-Path $dir 'mtty.yaml') @'
apiVersion: hdiov.dev/v1alpha1
kind: HostState
metadata:
  name: ${host.name}
spec:
  devices:
    - name: tty
      select: { parent: mtty }
      mode: siov
      vdevs:
        mtty-1: ${values.ports}
'@
    }

    AfterEach { Remove-Item -Recurse -Force $dir }

    It 'accepts the example fleet with its inventory and both groups' {
        $errors = $null
        Test-HdIovFleetSpec -Path $example -ErrorVariable errors | Should -BeExactly $true
        $errors | Should -BeNullOrEmpty
    }

    It 'locates a value a host lacks in the spec template, naming the host' {
        $fleet = Join-Path $dir 'fleet.yaml'
        Set-Content $fleet @'
apiVersion: hdiov.dev/v1alpha1
kind: Fleet
metadata: { name: f }
spec:
  hosts:
    - { name: a, transport: { local: { root: ./a } }, values: { ports: 2 } }
    - { name: b, transport: { local: { root: ./b } } }
  groups:
    - { name: lab, selector: {}, spec: { path: ./mtty.yaml } }
'@
        $errors = $null
        Test-HdIovFleetSpec -Path $fleet -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeExactly $false
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV5004,*'
        $errors[0].Exception.Message | Should -BeLike "$(Join-Path $dir 'mtty.yaml'):11:17:*host 'b'*"
        $errors[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'reports hosts in no group and in two groups as diagnostics with -PassThru' {
        $fleet = Join-Path $dir 'fleet.yaml'
        Set-Content $fleet @'
apiVersion: hdiov.dev/v1alpha1
kind: Fleet
metadata: { name: f }
spec:
  hosts:
    - { name: a, transport: { local: { root: ./a } }, labels: { role: lab, big: "yes" } }
    - { name: b, transport: { local: { root: ./b } } }
  groups:
    - { name: lab, selector: { matchLabels: { role: lab } }, spec: { path: ./mtty.yaml }, values: { ports: 1 } }
    - { name: big, selector: { matchLabels: { big: "yes" } }, spec: { path: ./mtty.yaml }, values: { ports: 1 } }
'@
        $diagnostics = Test-HdIovFleetSpec -Path $fleet -PassThru
        $diagnostics.Code | Should -Be @('HDIOV5002', 'HDIOV5001')
        $diagnostics[0].Location.Line | Should -Be 6
        $diagnostics[1].Location.Line | Should -Be 7
    }

    It 'refuses a HostState document with the kind to write' {
        $errors = $null
        Test-HdIovFleetSpec -Path (Join-Path (Get-RepoRoot) 'examples' 'mtty-lab' 'host.yaml') -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeExactly $false
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV1003,*'
    }
}
