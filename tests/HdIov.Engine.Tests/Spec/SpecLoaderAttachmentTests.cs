using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecLoaderAttachmentTests
{
    // Lines 1-11; attachments start on line 12.
    private const string Head = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata: { name: node }
        spec:
          devices:
            - { name: qat, select: { pciAddress: [ "0000:6b:00.0", "0000:70:00.0" ] }, mode: siov, vdevs: { asym: 2, dc: 1 } }
            - { name: vf, select: { driver: 4xxx }, mode: sriov, vfs: { count: 2 } }
            - { name: any, select: { driver: ice }, mode: siov, vdevs: { ice-vdcm: 4 } }



          attachments:

        """;

    [Fact]
    public void LoadText_Attachments_BuildTheModelWithDefaults()
    {
        var spec = SpecAssert.Valid(Head + """
                - vdevs: [ qat/1/asym/1, any/7/ice-vdcm/3 ]
                  vm: { name: vm01 }
                - vdevs: [ qat/0/dc/0 ]
                  vm: { name: vm02, uri: "qemu+ssh://root@host/system", live: false }
                - vdevs: [ qat/0/asym/0 ]
                  container: {}
            """);

        Assert.Equal([new VdevName("qat", 1, "asym", 1), new VdevName("any", 7, "ice-vdcm", 3)], spec.Attachments[0].Vdevs.ToArray());
        Assert.Equal(new VmTarget("vm01", "qemu:///system", true), spec.Attachments[0].Vm);
        Assert.Equal(new VmTarget("vm02", "qemu+ssh://root@host/system", false), spec.Attachments[1].Vm);
        Assert.Equal(new ContainerTarget(true), spec.Attachments[2].Container);
        Assert.Null(spec.Attachments[2].Vm);
    }

    [Fact]
    public void LoadText_GuestIommu_IsReportByDefault_AddWhenAsked_AndWrittenBackOnlyWhenAdd()
    {
        var spec = SpecAssert.Valid(Head + """
                - { vdevs: [ qat/0/asym/0 ], vm: { name: vm01, guestIommu: add } }
                - { vdevs: [ qat/0/asym/1 ], vm: { name: vm02, guestIommu: report } }
                - { vdevs: [ qat/0/dc/0 ], vm: { name: vm03 } }
            """);

        Assert.Equal([GuestIommuPolicy.Add, GuestIommuPolicy.Report, GuestIommuPolicy.Report], spec.Attachments.Select(a => a.Vm!.GuestIommu));
        var written = SpecWriter.Write(spec);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(written, "guestIommu: add"));
        Assert.DoesNotContain("guestIommu: report", written, StringComparison.Ordinal);
        Assert.Equal(spec.Attachments.Select(a => a.Vm), SpecAssert.Valid(written).Attachments.Select(a => a.Vm));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("Add")]
    public void LoadText_GuestIommuOtherThanReportOrAdd_IsReportedAtTheValue(string value)
    {
        var diagnostic = SpecAssert.Single(Head + $"    - {{ vdevs: [ qat/0/asym/0 ], vm: {{ name: vm01, guestIommu: {value} }} }}\n", DiagnosticCodes.InvalidValue, "spec.attachments[0].vm.guestIommu", 13, 64);

        Assert.Contains("report", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_QemuAttachments_DefaultTheFileFromTheName_AndTheVdevsGoToTheVm()
    {
        var spec = SpecAssert.Valid(Head + """
                - vdevs: [ qat/0/asym/0 ]
                  qemu: { name: vm01 }
                - vdevs: [ qat/1/asym/0 ]
                  qemu: { name: vm02, argumentsFile: "/srv/vms/vm 02/hdiov.args", iommu: true }
            """);

        Assert.Equal(new QemuTarget("vm01", "/etc/hdiov/qemu/vm01.args", false), spec.Attachments[0].Qemu);
        Assert.Equal(new QemuTarget("vm02", "/srv/vms/vm 02/hdiov.args", true), spec.Attachments[1].Qemu);
        Assert.Null(spec.Attachments[0].Vm);
        Assert.Null(spec.Attachments[0].Container);
        Assert.Equal([new VdevName("qat", 1, "asym", 0)], HdIov.Engine.Attachments.QemuDeviceArguments.DeclaredFor(spec, "vm02").Select(d => d.Name).ToArray());
    }

    [Theory]
    [InlineData("\"/proc/self/args\"", "it lies in a file system the kernel owns")]
    [InlineData("\"/etc/hdiov/\"", "the path names a folder, not a file")]
    [InlineData("\"/etc/./x.args\"", "the path holds an empty, '.' or '..' segment")]
    [InlineData("\"/etc/x\\tb.args\"", "the path is too long or holds a control character")]
    [InlineData("\"\"", "the path is not absolute")]
    public void LoadText_QemuArgumentsFileThatIsNoFilePath_IsReportedAtTheValue(string file, string why)
    {
        var diagnostic = SpecAssert.Single(Head + $"    - {{ vdevs: [ qat/0/asym/0 ], qemu: {{ name: vm01, argumentsFile: {file} }} }}\n",
            DiagnosticCodes.InvalidValue, "spec.attachments[0].qemu.argumentsFile", 13, 69);

        Assert.Contains(why, diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/hdiov/qemu/vm01.args", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qat/0/asym", DiagnosticCodes.InvalidName)]
    [InlineData("../0/asym/0", DiagnosticCodes.InvalidName)]
    [InlineData("qat/٠/asym/0", DiagnosticCodes.InvalidName)]
    [InlineData("qat/0/asym/99999999999", DiagnosticCodes.InvalidName)]
    [InlineData("nic/0/asym/0", DiagnosticCodes.UnknownReference)]
    [InlineData("qat/0/sym/0", DiagnosticCodes.UnknownReference)]
    [InlineData("qat/0/asym/2", DiagnosticCodes.UnknownReference)]
    [InlineData("qat/2/asym/0", DiagnosticCodes.UnknownReference)]
    [InlineData("vf/0/asym/0", DiagnosticCodes.UnknownReference)]
    public void LoadText_VdevThatIsNotDeclared_IsReportedAtTheName(string vdev, string code)
    {
        var diagnostic = SpecAssert.Single(Head + $"    - {{ vdevs: [ \"{vdev}\" ], vm: {{ name: vm01 }} }}\n", code, "spec.attachments[0].vdevs[0]", 13, 18);

        Assert.DoesNotContain(diagnostic.Message, c => c > '~');
    }

    [Fact]
    public void LoadText_OnHeld_IsRefuseUnlessTheAttachmentSaysDetach()
    {
        var spec = SpecAssert.Valid(Head + """
                - { vdevs: [ qat/0/asym/0 ], vm: { name: vm01 }, onHeld: detach }
                - { vdevs: [ qat/0/asym/1 ], vm: { name: vm02 }, onHeld: refuse }
                - { vdevs: [ qat/0/dc/0 ], container: {} }
            """);

        Assert.Equal([HeldPolicy.Detach, HeldPolicy.Refuse, HeldPolicy.Refuse], spec.Attachments.Select(a => a.OnHeld).ToArray());
        Assert.Contains("onHeld: detach", SpecWriter.Write(spec), StringComparison.Ordinal);
        Assert.Equal(spec.Attachments.Select(a => a.OnHeld), SpecAssert.Valid(SpecWriter.Write(spec)).Attachments.Select(a => a.OnHeld));
    }

    [Fact]
    public void LoadText_UnknownOnHeld_IsInvalidAtItsValue()
    {
        var diagnostic = SpecAssert.Single(Head + "    - { vdevs: [ qat/0/asym/0 ], vm: { name: vm01 }, onHeld: detatch }\n", DiagnosticCodes.InvalidValue, "spec.attachments[0].onHeld", 13, 62);

        Assert.Contains("detach", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_MisspeltDeviceInReference_SuggestsTheEntry()
    {
        var diagnostic = SpecAssert.Single(Head + "    - { vdevs: [ qta/0/asym/0 ], vm: { name: vm01 } }\n", DiagnosticCodes.UnknownReference, "spec.attachments[0].vdevs[0]", 13, 18);

        Assert.Equal("did you mean 'qat'?", diagnostic.Hint);
    }

    [Fact]
    public void LoadText_VdevAttachedTwice_ConflictsAtTheSecond()
    {
        SpecAssert.Single(
            Head + "    - { vdevs: [ qat/0/asym/0 ], vm: { name: vm01 } }\n    - { vdevs: [ qat/0/asym/0 ], container: {} }\n",
            DiagnosticCodes.ConflictingFields,
            "spec.attachments[1].vdevs[0]",
            14,
            18);
    }

    [Fact]
    public void LoadText_VdevListedTwiceInOneAttachment_IsADuplicate()
    {
        SpecAssert.Single(Head + "    - { vdevs: [ qat/0/asym/0, qat/0/asym/0 ], vm: { name: vm01 } }\n", DiagnosticCodes.DuplicateName, "spec.attachments[0].vdevs[1]", 13, 32);
    }

    [Fact]
    public void LoadText_VmAndContainer_Conflict()
    {
        SpecAssert.Single(Head + "    - vdevs: [ qat/0/asym/0 ]\n      vm: { name: vm01 }\n      container: { cdi: true }\n", DiagnosticCodes.ConflictingFields, "spec.attachments[0].container", 15, 7);
    }

    [Fact]
    public void LoadText_NoTarget_IsMissing()
    {
        SpecAssert.Single(Head + "    - vdevs: [ qat/0/asym/0 ]\n", DiagnosticCodes.MissingKey, "spec.attachments[0]", 13, 7);
    }

    [Fact]
    public void LoadText_EmptyVdevList_IsInvalid()
    {
        SpecAssert.Single(Head + "    - { vdevs: [], container: {} }\n", DiagnosticCodes.InvalidValue, "spec.attachments[0].vdevs", 13, 7);
    }

    [Theory]
    [InlineData("\"qemu:// system\"")]
    [InlineData("\"system\"")]
    [InlineData("\"qemu:///system\\n\"")]
    [InlineData("\"\"")]
    public void LoadText_BadVmUri_IsInvalid(string uri)
    {
        SpecAssert.Single(Head + $"    - {{ vdevs: [ qat/0/asym/0 ], vm: {{ name: vm01, uri: {uri} }} }}\n", DiagnosticCodes.InvalidValue, "spec.attachments[0].vm.uri", 13, 57);
    }

    [Theory]
    [InlineData("live: yes")]
    [InlineData("live: \"true\"")]
    public void LoadText_LiveNotABoolean_IsInvalid(string live)
    {
        SpecAssert.Single(Head + $"    - {{ vdevs: [ qat/0/asym/0 ], vm: {{ name: vm01, {live} }} }}\n", DiagnosticCodes.InvalidValue, "spec.attachments[0].vm.live", 13, 58);
    }

    [Fact]
    public void LoadText_VmWithoutName_IsMissingKey()
    {
        SpecAssert.Single(Head + "    - { vdevs: [ qat/0/asym/0 ], vm: { live: true } }\n", DiagnosticCodes.MissingKey, "spec.attachments[0].vm.name", 13, 38);
    }
}
