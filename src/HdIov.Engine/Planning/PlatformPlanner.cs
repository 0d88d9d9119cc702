using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Platform;
using HdIov.Engine.Platform.BootLoaders;
using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Planning;

/// <summary>
/// The platform section: kernel arguments through the boot loader and BIOS attributes (both take effect at the
/// next boot, so they are planned last, behind the reboot barrier), and hugepage pools (applied at once).
/// </summary>
internal static class PlatformPlanner
{
    private const string Group = "platform";

    public static void Plan(PlanContext context)
    {
        var platform = context.Spec.Platform;
        PlanBootArguments(context, platform);
        PlanBios(context, platform.Bios);
        PlanHugepages(context, platform);
    }

    /// <summary>The kernel arguments the spec implies, in the order they are merged.</summary>
    public static List<string> WantedArguments(PlatformSpec platform)
    {
        var wanted = new List<string>();
        switch (platform.Iommu?.Mode)
        {
            case IommuMode.Scalable:
                wanted.Add("intel_iommu=on,sm_on");
                break;
            case IommuMode.Legacy:
                wanted.Add("intel_iommu=on,sm_off");
                break;
            case IommuMode.Off:
                wanted.Add("intel_iommu=off");
                break;
        }

        if (platform.Iommu?.Passthrough is true)
        {
            wanted.Add("iommu=pt");
        }

        wanted.AddRange(platform.KernelArgs);
        return wanted;
    }

    private static void PlanBootArguments(PlanContext context, PlatformSpec platform)
    {
        var wanted = WantedArguments(platform);
        if (wanted.Count == 0)
        {
            return;
        }

        var state = context.State;
        var running = state.CommandLine.Tokens;
        var notRunning = wanted.Where(w => !running.Contains(w)).ToList();
        if (state.Platform.BootCommandLine is not { } configured || BootLoader.For(state.Platform.BootLoader) is not { } loader)
        {
            if (notRunning.Count > 0)
            {
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.BootLoaderUnsupported,
                    DiagnosticSeverity.Error,
                    $"the kernel is not running with {string.Join(' ', notRunning)} and the host has no boot loader configuration to set them in "
                    + "(looked for BLS entries with grubby, /etc/kernel/cmdline with kernel-install, GRUB_CMDLINE_LINUX in /etc/default/grub)",
                    "add them to the boot loader yourself and reboot, or install the tool the host's boot loader is configured with (grubby, kernel-install, update-grub)",
                    null,
                    "spec.platform"));
            }

            return;
        }

        var merged = GrubDefaults.Merge(configured, wanted);
        if (merged != configured)
        {
            context.Add(new PendingStep(
                StepPhase.Platform, Group, "platform/kernelArgs", StepAction.Update,
                new SetBootArguments(configured, merged, loader.Kind), configured, merged, Disruption.HostReboot,
                $"kernel arguments ({loader.Source}) take effect at the next boot"));
        }

        if (notRunning.Count > 0)
        {
            context.PendingReboot.Add($"kernel arguments {string.Join(' ', notRunning)} take effect at the next boot");
            context.ScalableModeAfterReboot |= notRunning.Any(a => a.StartsWith("intel_iommu=", StringComparison.Ordinal)) && platform.Iommu?.Mode == IommuMode.Scalable;
        }
    }

    private static void PlanBios(PlanContext context, BiosSpec? bios)
    {
        if (bios is null)
        {
            return;
        }

        var wanted = bios.Settings
            .Select(s => (Key: $"settings.{s.Key}", Names: BiosSettingNames.Candidates.GetValueOrDefault(s.Key) ?? [s.Key], s.Value))
            .Concat(bios.Attributes.Select(a => (Key: $"attributes.{a.Key}", Names: new[] { a.Key }, a.Value)))
            .ToList();

        if (bios.Source == BiosSource.Redfish && context.State.Platform.Redfish is { } snapshot)
        {
            PlanRedfish(context, bios, snapshot, wanted);
            return;
        }

        if (bios.Source != BiosSource.FirmwareAttributes)
        {
            CheckOnly(context, bios);
            return;
        }

        var firmware = context.State.Platform.Firmware;
        foreach (var (key, names, value) in wanted)
        {
            var attribute = firmware.FirstOrDefault(a => names.Contains(a.Name, StringComparer.Ordinal));
            if (attribute is null)
            {
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.BiosAttributeMissing,
                    DiagnosticSeverity.Error,
                    $"no firmware attribute for '{key}' on this host (looked for {string.Join(", ", names)})",
                    "name the vendor's attribute under bios.attributes, or use source: none to only check the platform",
                    bios.Locations.GetValueOrDefault(key),
                    $"spec.platform.bios.{key}"));
                continue;
            }

            if (BiosSettingNames.Spell(value, attribute.PossibleValues) is not { } spelled)
            {
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.InvalidValue,
                    DiagnosticSeverity.Error,
                    $"BIOS attribute {attribute.Name} does not accept '{value}'",
                    $"use one of: {string.Join(", ", attribute.PossibleValues)}",
                    bios.Locations.GetValueOrDefault(key),
                    $"spec.platform.bios.{key}"));
                continue;
            }

            if (key == "settings.vtd" && value == "enabled" && (attribute.CurrentValue != spelled || context.State.Platform.FirmwarePendingReboot))
            {
                context.VtdAfterReboot = true;
            }

            if (attribute.CurrentValue != spelled)
            {
                context.Add(new PendingStep(
                    StepPhase.Platform, Group, $"platform/bios/{attribute.Name}", StepAction.Update,
                    new SetFirmwareAttribute(attribute.Driver, attribute.Name, attribute.CurrentValue, spelled),
                    attribute.CurrentValue, spelled, Disruption.HostReboot,
                    "BIOS settings take effect at the next boot"));
            }
        }

        if (context.State.Platform.FirmwarePendingReboot)
        {
            context.PendingReboot.Add("BIOS settings changed through firmware-attributes take effect at the next boot (pending_reboot is 1)");
        }
    }

    /// <summary>
    /// BIOS attributes through the BMC: one step that PATCHes every attribute whose value at the next boot (pending,
    /// else current) differs from the wanted one; attributes already pending are reported as waiting for a reboot.
    /// </summary>
    private static void PlanRedfish(PlanContext context, BiosSpec bios, RedfishBiosSnapshot snapshot, List<(string Key, string[] Names, string Value)> wanted)
    {
        var changes = new SortedDictionary<string, (string Key, RedfishAttributeChange Change)>(StringComparer.Ordinal);
        var chosen = new Dictionary<string, (string Key, string Value)>(StringComparer.Ordinal);
        foreach (var (key, names, value) in wanted)
        {
            var location = bios.Locations.GetValueOrDefault(key);
            var path = $"spec.platform.bios.{key}";
            var name = names.FirstOrDefault(snapshot.Knows);
            if (name is null)
            {
                context.Problems.Add(new Diagnostic(
                    DiagnosticCodes.BiosAttributeMissing,
                    DiagnosticSeverity.Error,
                    $"the BIOS of {snapshot.SystemId} ({snapshot.Endpoint}{snapshot.BiosPath}) has no attribute for '{key}' (looked for {string.Join(", ", names)})",
                    "name the vendor's attribute under bios.attributes as the BMC's Bios resource or attribute registry lists it, or use source: none to only check the platform",
                    location,
                    path));
                continue;
            }

            if (chosen.TryGetValue(name, out var earlier))
            {
                if (earlier.Value != value)
                {
                    context.Problems.Add(new Diagnostic(DiagnosticCodes.ConflictingFields, DiagnosticSeverity.Error,
                        $"'{key}' and '{earlier.Key}' both set BIOS attribute {name}, to different values", "keep one of them", location, path));
                }

                continue;
            }

            chosen[name] = (key, value);
            var registry = snapshot.Registry.GetValueOrDefault(name);
            if (registry is { ReadOnly: true })
            {
                context.Problems.Add(new Diagnostic(DiagnosticCodes.InvalidValue, DiagnosticSeverity.Error,
                    $"BIOS attribute {name} is read-only on {snapshot.SystemId} (attribute registry {snapshot.AttributeRegistry})", "remove it from the spec; the firmware decides its value", location, path));
                continue;
            }

            var current = snapshot.Current.GetValueOrDefault(name);
            var nextBoot = snapshot.NextBoot(name);
            var kind = nextBoot?.Kind ?? (registry?.Type is "Integer" ? RedfishValueKind.Number : registry?.Type is "Boolean" ? RedfishValueKind.Boolean : RedfishValueKind.String);
            var spelled = Spell(key, value, nextBoot, registry, kind);
            if (spelled is null)
            {
                var allowed = registry is { Values.IsEmpty: false } ? string.Join(", ", registry.Values) : kind == RedfishValueKind.Number ? "a number" : "enabled or disabled";
                context.Problems.Add(new Diagnostic(DiagnosticCodes.InvalidValue, DiagnosticSeverity.Error,
                    $"BIOS attribute {name} does not accept '{value}' (it is {nextBoot?.Text ?? "unset"} now)", $"use one of: {allowed}", location, path));
                continue;
            }

            if (nextBoot?.Text != spelled)
            {
                changes[name] = (key, new RedfishAttributeChange(name, nextBoot?.Text, spelled, kind));
            }
            else if (current?.Text != spelled)
            {
                context.PendingReboot.Add($"BIOS {name} {current?.Text ?? "(unset)"} -> {spelled} is pending in the BMC's settings ({snapshot.SettingsPath}) and applies at the next reboot");
            }
        }

        if (changes.Count == 0)
        {
            return;
        }

        var list = changes.Values.Select(c => c.Change).ToList();
        context.Add(new PendingStep(
            StepPhase.Platform, Group, $"platform/bios/redfish/{snapshot.SystemId}", StepAction.Update,
            new SetRedfishBiosAttributes(snapshot.Endpoint, snapshot.SystemId, snapshot.SettingsPath, snapshot.SettingsETag, list),
            string.Join(", ", list.Select(c => $"{c.Name}={c.From ?? "(unset)"}")),
            string.Join(", ", list.Select(c => $"{c.Name}={c.To}")),
            Disruption.HostReboot,
            "BIOS settings apply at the next reboot"));
    }

    /// <summary>The wanted value in the attribute's own spelling and type, or null when it does not accept it.</summary>
    private static string? Spell(string key, string value, RedfishAttributeValue? nextBoot, RedfishRegistryAttribute? registry, RedfishValueKind kind)
    {
        var neutral = key.StartsWith("settings.", StringComparison.Ordinal);
        if (kind == RedfishValueKind.Boolean)
        {
            var truth = neutral ? (value == "enabled" ? "true" : "false") : value.ToLowerInvariant();
            return truth is "true" or "false" ? truth : null;
        }

        if (registry is { Values.IsEmpty: false })
        {
            return BiosSettingNames.Spell(value, registry.Values);
        }

        if (kind == RedfishValueKind.Number)
        {
            var number = neutral ? (value == "enabled" ? "1" : "0") : value;
            return decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? number : null;
        }

        return neutral ? BiosSettingNames.SpellLike(value, nextBoot?.Text ?? "Disabled") : value;
    }

    private static void CheckOnly(PlanContext context, BiosSpec bios)
    {
        var state = context.State;
        var why = bios.Source == BiosSource.Redfish
            ? "source: redfish is applied through a BMC connection, which this plan does not have: give bios.redfish.endpoint and the BMC account"
            : "source: none only checks";
        if (bios.Settings.GetValueOrDefault("vtd") == "enabled" && state.IommuUnits.IsDefaultOrEmpty)
        {
            context.Warnings.Add(new Diagnostic(DiagnosticCodes.BiosAttributeMissing, DiagnosticSeverity.Warning,
                $"the spec wants VT-d enabled but no VT-d unit is active ({why})", "enable VT-d in the BIOS setup or through the BMC", null, "spec.platform.bios.settings.vtd"));
        }

        if (bios.Settings.GetValueOrDefault("virtualization") == "enabled" && !state.Cpu.Vmx)
        {
            context.Warnings.Add(new Diagnostic(DiagnosticCodes.BiosAttributeMissing, DiagnosticSeverity.Warning,
                $"the spec wants virtualization enabled but the CPU does not report VMX ({why})", "enable Intel VT-x in the BIOS setup or through the BMC", null, "spec.platform.bios.settings.virtualization"));
        }
    }

    private static void PlanHugepages(PlanContext context, PlatformSpec platform)
    {
        var nodes = context.State.Platform.Hugepages.Select(p => p.Node).Distinct().Order().ToList();
        for (var index = 0; index < platform.Hugepages.Length; index++)
        {
            var wanted = platform.Hugepages[index];
            foreach (var node in nodes)
            {
                var pool = context.State.Platform.Hugepages.FirstOrDefault(p => p.Node == node && p.SizeKiB == wanted.SizeKiB);
                if (pool is null)
                {
                    context.Problems.Add(new Diagnostic(
                        DiagnosticCodes.InvalidValue,
                        DiagnosticSeverity.Error,
                        string.Create(CultureInfo.InvariantCulture, $"node{node} has no {wanted.SizeKiB} kB hugepage pool"),
                        "use a page size the CPU supports (2Mi, or 1Gi with pdpe1gb)",
                        null,
                        string.Create(CultureInfo.InvariantCulture, $"spec.platform.hugepages[{index}].size")));
                    break;
                }

                if (pool.Count != wanted.PerNode)
                {
                    context.Add(new PendingStep(
                        StepPhase.Create, Group, string.Create(CultureInfo.InvariantCulture, $"platform/hugepages/node{node}/{wanted.SizeKiB}kB"), StepAction.Update,
                        new SetHugepages(node, wanted.SizeKiB, pool.Count, wanted.PerNode),
                        pool.Count.ToString(CultureInfo.InvariantCulture), wanted.PerNode.ToString(CultureInfo.InvariantCulture), Disruption.None,
                        "declared by the spec"));
                }
            }
        }
    }
}
