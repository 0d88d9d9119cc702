using HdIov.Engine.Attachments;

namespace HdIov.Engine.Tests.Attachments;

/// <summary>
/// The edit behind <c>vm.guestIommu: add</c> on domain XML alone: what is missing, what is refused, what is added, and
/// that taking out the recorded parts leaves what the user wrote.
/// </summary>
[Trait("Category", "Attachments")]
public sealed class GuestIommuDefinitionTests
{
    [Fact]
    public void Add_ToAPlainQ35Domain_AddsEveryPart_AndTheResultIsComplete()
    {
        var (xml, added) = GuestIommuDefinition.Add(Domain());

        Assert.Equal([GuestIommuPart.Iommu, GuestIommuPart.Features, GuestIommuPart.Ioapic, GuestIommuPart.QemuCommandline, GuestIommuPart.ScalableMode], added.ToArray());
        Assert.True(GuestIommu.Parse(xml).Complete, string.Join("; ", GuestIommu.Parse(xml).Missing));
        Assert.True(GuestIommuDefinition.Inspect(xml).Complete);
        Assert.Empty(GuestIommuDefinition.Add(xml).Added);
    }

    [Fact]
    public void Add_ToAnIommuWithoutItsDriverAttributes_AddsOnlyTheAttributes_AndRemoveTakesOnlyThemOut()
    {
        var user = Domain(features: "<features><acpi/><ioapic driver='qemu'/></features>", devices: "<iommu model='intel'><driver eim='on'/></iommu>");

        var (xml, added) = GuestIommuDefinition.Add(user);
        var (back, removed) = GuestIommuDefinition.Remove(xml, added);

        Assert.Equal([GuestIommuPart.InterruptRemapping, GuestIommuPart.CachingMode, GuestIommuPart.QemuCommandline, GuestIommuPart.ScalableMode], added.ToArray());
        Assert.Contains("eim=\"on\" intremap=\"on\" caching_mode=\"on\"", xml, StringComparison.Ordinal);
        Assert.Equal(added.Order(), removed.Order());
        Assert.Equal(Normal(user), Normal(back));
    }

    [Fact]
    public void Remove_KeepsAContainerTheUserFilledSinceItWasAdded()
    {
        var (xml, added) = GuestIommuDefinition.Add(Domain());
        var filled = xml.Replace("<ioapic driver=\"qemu\" />", "<ioapic driver=\"qemu\" /><acpi />", StringComparison.Ordinal);

        var (back, removed) = GuestIommuDefinition.Remove(filled, added);

        Assert.DoesNotContain(GuestIommuPart.Features, removed);
        Assert.Contains("<acpi />", back, StringComparison.Ordinal);
        Assert.DoesNotContain("ioapic", back, StringComparison.Ordinal);
        Assert.DoesNotContain("iommu", back, StringComparison.Ordinal);
        Assert.DoesNotContain("commandline", back, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pc", "", "", "machine type is 'pc'")]
    [InlineData("pc-i440fx-7.2", "", "", "machine type is 'pc-i440fx-7.2'")]
    [InlineData("q35", "", "<iommu model='virtio'/>", "model 'virtio'")]
    [InlineData("q35", "<features><ioapic driver='kvm'/></features>", "", "<ioapic driver='kvm'/>")]
    [InlineData("q35", "", "<iommu model='intel'><driver intremap='off'/></iommu>", "intremap='off'")]
    [InlineData("q35", "", "<iommu model='intel'><driver intremap='on' caching_mode='off'/></iommu>", "caching_mode='off'")]
    public void Inspect_WhatTheEngineWouldHaveToChange_IsRefused_AndAddChangesNothing(string machine, string features, string devices, string reason)
    {
        var xml = Domain(machine, features, devices);

        var inspected = GuestIommuDefinition.Inspect(xml);

        Assert.Contains(reason, inspected.Refusal, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(inspected.Fix));
        Assert.False(inspected.Complete);
        Assert.Equal((xml, 0), (GuestIommuDefinition.Add(xml).Xml, GuestIommuDefinition.Add(xml).Added.Length));
    }

    [Fact]
    public void Inspect_ScalableModeSetOffOnTheCommandLine_IsRefused()
    {
        var inspected = GuestIommuDefinition.Inspect(Domain(qemu: "<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='intel-iommu.x-scalable-mode=off'/></qemu:commandline>"));

        Assert.Contains("x-scalable-mode=off", inspected.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_NotDomainXml_IsAFormatException()
    {
        Assert.Throws<FormatException>(() => GuestIommuDefinition.Inspect("<network/>"));
        Assert.Throws<FormatException>(() => GuestIommuDefinition.Inspect("<domain"));
    }

    private static string Normal(string xml) => System.Xml.Linq.XDocument.Parse(xml).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);

    private static string Domain(string machine = "q35", string features = "", string devices = "", string qemu = "") => $"""
        <domain type='qemu' xmlns:qemu='{GuestIommu.QemuNamespace}'>
          <name>vm</name>
          <os><type arch='x86_64' machine='{machine}'>hvm</type></os>
          {features}
          <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>{devices}</devices>
          {qemu}
        </domain>
        """;
}
