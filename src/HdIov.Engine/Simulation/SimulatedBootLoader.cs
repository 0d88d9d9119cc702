using System.Text;
using HdIov.Engine.Host;
using HdIov.Engine.Platform;
using HdIov.Engine.Platform.BootLoaders;

namespace HdIov.Engine.Simulation;

/// <summary>
/// The boot loader of a simulated host: the files its distribution installs, the tools that change them (grubby's
/// and kernel-install's effect, modelled from their sources and documentation; update-grub is in
/// <see cref="GrubConfig"/>), and the command line a boot gets from them.
/// </summary>
internal static class SimulatedBootLoader
{
    public const string GrubbyProgram = "/usr/sbin/grubby";
    public const string KernelInstallProgram = "/usr/bin/kernel-install";
    public const string GrubEnvironment = "/boot/grub2/grubenv";

    public static BootLoaderKind KindOf(ProfileData data) => data.BootLoader?.Kind ?? BootLoaderKind.Grub;

    /// <summary>Writes what the distribution's installer leaves: the configuration files, the first boot entry, the tools.</summary>
    public static void Install(SimTree tree, ProfileData data)
    {
        var grub = data.Grub;
        var installed = string.Join(' ', new[] { $"root={grub.Root}", "ro", grub.CmdlineLinux, grub.CmdlineLinuxDefault }.Where(a => a.Length > 0));
        if (data.Os is { } os)
        {
            tree.Text("/etc/os-release", $"NAME=\"{os.Name}\"\nVERSION_ID=\"{os.VersionId}\"\nID=\"{os.Id}\"\nPRETTY_NAME=\"{os.PrettyName}\"\n");
        }

        switch (KindOf(data))
        {
            case BootLoaderKind.Grubby:
                var machineId = data.BootLoader!.MachineId;
                tree.Text("/etc/machine-id", machineId + "\n");
                tree.Text("/etc/default/grub", GrubConfig.DefaultFile(grub) + "GRUB_ENABLE_BLSCFG=true\n");
                tree.Text("/etc/kernel/cmdline", installed + "\n");
                tree.Text(GrubEnvironment, "# GRUB Environment Block\nsaved_entry=" + $"{machineId}-{data.KernelRelease}\n");
                tree.Text(
                    $"{BootEntry.Directory}/{machineId}-{data.KernelRelease}.conf",
                    $"title {data.Os?.PrettyName ?? "Linux"} ({data.KernelRelease})\n"
                    + $"version {data.KernelRelease}\n"
                    + $"linux /vmlinuz-{data.KernelRelease}\n"
                    + $"initrd /initramfs-{data.KernelRelease}.img\n"
                    + $"options {installed}\n"
                    + "grub_users $grub_users\n"
                    + "grub_arg --unrestricted\n"
                    + "grub_class kernel\n");
                tree.Text(GrubbyProgram, "#!/bin/sh\n# grubby; the simulated host's kernel model answers it\n");
                break;
            case BootLoaderKind.KernelInstall:
                tree.Text("/etc/machine-id", data.BootLoader!.MachineId + "\n");
                tree.Text("/etc/kernel/cmdline", installed + "\n");
                tree.MakeDirectory($"/boot/{data.BootLoader.MachineId}");
                tree.Text(KernelInstallProgram, "#!/bin/sh\n# kernel-install; the simulated host's kernel model answers it\n");
                var result = KernelInstall(tree, data, ["add", data.KernelRelease, $"/boot/vmlinuz-{data.KernelRelease}"]);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"profile {data.Name}: installing the kernel failed: {result.StandardError}");
                }

                break;
            default:
                var defaultGrub = GrubConfig.DefaultFile(grub);
                tree.Text("/etc/default/grub", defaultGrub);
                tree.Text("/boot/grub/grub.cfg", GrubConfig.GenerateCfg(defaultGrub, data.KernelRelease, grub.Root));
                break;
        }
    }

    /// <summary>The /proc/cmdline a boot of the default entry produces.</summary>
    public static string BootedCmdline(SimTree tree, ProfileData data)
    {
        switch (KindOf(data))
        {
            case BootLoaderKind.Grubby:
                // GRUB's blscfg: the entry's linux path as BOOT_IMAGE, then its options with $variables from grubenv.
                var entry = DefaultEntry(tree, data) ?? throw new InvalidDataException($"{BootEntry.Directory} has no entry for {data.KernelRelease}; the host does not boot");
                var options = CommandLineTokens.Split(entry.Options)
                    .SelectMany(t => t.StartsWith('$') ? CommandLineTokens.Split(GrubVariable(tree, t[1..])) : [t]);
                return string.Join(' ', new[] { $"BOOT_IMAGE=(hd0,gpt2){entry.Linux}" }.Concat(options));
            case BootLoaderKind.KernelInstall:
                // systemd-boot: the entry's options, then one initrd= per initrd line.
                var booted = DefaultEntry(tree, data) ?? throw new InvalidDataException($"{BootEntry.Directory} has no entry for {data.KernelRelease}; the host does not boot");
                return string.Join(' ', CommandLineTokens.Split(booted.Options).Concat(booted.Initrds.Select(i => "initrd=" + i.Replace('/', '\\'))));
            default:
                return GrubConfig.BootedCmdline(tree.ReadText("/boot/grub/grub.cfg"));
        }
    }

    /// <summary>
    /// grubby on a BLS host (grubby-bls): <c>--update-kernel</c> selects ALL, DEFAULT, an entry's kernel path or index;
    /// <c>--args</c> replaces a token with the same key in place or appends; <c>--remove-args</c> removes a token, with
    /// any value when the argument has none. Only the selected entries' options lines change.
    /// </summary>
    public static CommandResult Grubby(SimTree tree, ProfileData data, IReadOnlyList<string> arguments)
    {
        string? update = null, add = null, remove = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            var (option, value) = SplitOption(arguments, ref i);
            switch (option)
            {
                case "--update-kernel": update = value; break;
                case "--args": add = value; break;
                case "--remove-args": remove = value; break;
                case "--info" when value is not null:
                    return Info(tree, data, value);
                default:
                    return new CommandResult(1, string.Empty, $"\ngrubby: invalid option \"{option}\"\nTry 'grubby --help' for more information\n\n");
            }
        }

        if (update is null)
        {
            return new CommandResult(1, string.Empty, "no action specified\n");
        }

        var entries = Entries(tree).ToList();
        var selected = Select(tree, data, entries, update);
        if (selected.Count == 0)
        {
            return new CommandResult(1, string.Empty, $"The param {update} is incorrect\n");
        }

        foreach (var entry in selected)
        {
            var options = UpdateArguments(entry.Options, remove, add);
            tree.Text(entry.Path, entry.WithOptions(options).Text());
        }

        return new CommandResult(0, string.Empty, string.Empty);
    }

    /// <summary>
    /// <c>kernel-install add VERSION IMAGE [INITRD...]</c> with systemd's 90-loaderentry plugin: in the BLS layout
    /// (<c>/boot/&lt;entry-token&gt;</c> exists) the image is copied to <c>/boot/&lt;token&gt;/&lt;version&gt;/linux</c> and the
    /// entry <c>/boot/loader/entries/&lt;token&gt;-&lt;version&gt;.conf</c> gets /etc/kernel/cmdline as its options
    /// (plus <c>systemd.machine_id=</c> when the token is the machine id); <c>remove VERSION</c> deletes the entry.
    /// </summary>
    public static CommandResult KernelInstall(SimTree tree, ProfileData data, IReadOnlyList<string> arguments)
    {
        if (arguments.Count < 2 || arguments[0] is not ("add" or "remove") || (arguments[0] == "add" && arguments.Count < 3))
        {
            return new CommandResult(1, string.Empty, "Usage:\n  kernel-install [OPTIONS...] add KERNEL-VERSION KERNEL-IMAGE [INITRD-FILE...]\n  kernel-install [OPTIONS...] remove KERNEL-VERSION\n");
        }

        var version = arguments[1];
        var machineId = tree.Exists("/etc/machine-id") ? tree.ReadText("/etc/machine-id").Trim() : data.BootLoader?.MachineId ?? string.Empty;
        var token = tree.Exists("/etc/kernel/entry-token") ? tree.ReadText("/etc/kernel/entry-token").Trim() : machineId;
        if (!HostPath.IsSafeSegment(version) || !HostPath.IsSafeSegment(token))
        {
            return new CommandResult(1, string.Empty, $"kernel-install: invalid kernel version or entry token\n");
        }

        var entryPath = $"{BootEntry.Directory}/{token}-{version}.conf";
        if (arguments[0] == "remove")
        {
            if (tree.Exists(entryPath))
            {
                tree.Remove(entryPath);
            }

            return new CommandResult(0, string.Empty, string.Empty);
        }

        if (!tree.IsDirectory($"/boot/{token}"))
        {
            // Layout "other": the loader-entry plugin does nothing.
            return new CommandResult(0, string.Empty, string.Empty);
        }

        var image = arguments[2];
        if (!image.StartsWith('/') || !tree.Exists(image))
        {
            return new CommandResult(1, string.Empty, $"Error: could not copy '{image}' to '/boot/{token}/{version}/linux'.\n");
        }

        var options = tree.Exists(KernelInstallBootLoader.CommandLineFile)
            ? CommandLineTokens.Normalize(tree.ReadText(KernelInstallBootLoader.CommandLineFile))
            : string.Join(' ', CommandLineTokens.Split(tree.ReadText("/proc/cmdline")).Where(t => !t.StartsWith("BOOT_IMAGE=", StringComparison.Ordinal) && !t.StartsWith("initrd=", StringComparison.Ordinal)));
        if (token == machineId && !options.Contains("systemd.machine_id=", StringComparison.Ordinal))
        {
            options = $"{options} systemd.machine_id={machineId}";
        }

        tree.Bytes($"/boot/{token}/{version}/linux", tree.ReadBytes(image));
        var entry = new StringBuilder();
        entry.Append($"title      {data.Os?.PrettyName ?? "Linux " + version}\n");
        entry.Append($"version    {version}\n");
        if (token == machineId)
        {
            entry.Append($"machine-id {machineId}\n");
        }

        if (data.Os is { } os)
        {
            entry.Append($"sort-key   {os.Id}\n");
        }

        entry.Append($"options    {options}\n");
        entry.Append($"linux      /{token}/{version}/linux\n");
        tree.Text(entryPath, entry.ToString());
        return new CommandResult(0, string.Empty, string.Empty);
    }

    /// <summary>grubby's update_args: removals first (a bare key removes it with any value), then additions (same key replaced in place, else appended).</summary>
    public static string UpdateArguments(string options, string? remove, string? add)
    {
        var tokens = CommandLineTokens.Split(options).ToList();
        foreach (var argument in CommandLineTokens.Split(remove ?? string.Empty))
        {
            tokens.RemoveAll(t => argument.Contains('=', StringComparison.Ordinal) ? t == argument : GrubDefaults.KeyOf(t) == argument);
        }

        return GrubDefaults.Merge(string.Join(' ', tokens), CommandLineTokens.Split(add ?? string.Empty).Where(a => !tokens.Contains(a)));
    }

    private static CommandResult Info(SimTree tree, ProfileData data, string kernel)
    {
        var entries = Entries(tree).ToList();
        var text = new StringBuilder();
        foreach (var entry in Select(tree, data, entries, kernel))
        {
            text.Append($"index={entries.IndexOf(entry)}\nkernel=\"/boot{entry.Linux}\"\nargs=\"{entry.Options}\"\ninitrd=\"/boot{entry.Initrds.FirstOrDefault()}\"\ntitle=\"{entry.Title}\"\n");
        }

        return new CommandResult(0, text.ToString(), string.Empty);
    }

    private static List<BootEntry> Select(SimTree tree, ProfileData data, List<BootEntry> entries, string kernel) => kernel switch
    {
        "ALL" => entries,
        "DEFAULT" => DefaultEntry(tree, data) is { } entry ? [entries.First(e => e.FileName == entry.FileName)] : [],
        _ when int.TryParse(kernel, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) => index < entries.Count ? [entries[index]] : [],
        _ => [.. entries.Where(e => e.Linux is { } linux && (linux == kernel || "/boot" + linux == kernel))],
    };

    private static BootEntry? DefaultEntry(SimTree tree, ProfileData data)
    {
        var entries = Entries(tree).ToList();
        var saved = tree.Exists(GrubEnvironment) ? GrubVariable(tree, "saved_entry") : string.Empty;
        return entries.FirstOrDefault(e => saved.Length > 0 && e.FileName == saved + ".conf")
            ?? entries.FirstOrDefault(e => e.Boots(data.KernelRelease))
            ?? entries.FirstOrDefault();
    }

    private static string GrubVariable(SimTree tree, string name)
    {
        if (!tree.Exists(GrubEnvironment))
        {
            return string.Empty;
        }

        foreach (var line in tree.ReadText(GrubEnvironment).Split('\n'))
        {
            if (line.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..];
            }
        }

        return string.Empty;
    }

    private static IEnumerable<BootEntry> Entries(SimTree tree) =>
        tree.IsDirectory(BootEntry.Directory)
            ? Directory.EnumerateFiles(tree.Physical(BootEntry.Directory), "*.conf")
                .Select(Path.GetFileName)
                .OfType<string>()
                .OrderByDescending(n => n, StringComparer.Ordinal)
                .Select(n => BootEntry.Parse(n, tree.ReadText($"{BootEntry.Directory}/{n}")))
            : [];

    private static (string Option, string? Value) SplitOption(IReadOnlyList<string> arguments, ref int index)
    {
        var argument = arguments[index];
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && argument.StartsWith("--", StringComparison.Ordinal))
        {
            return (argument[..equals], argument[(equals + 1)..]);
        }

        if (argument is "--update-kernel" or "--args" or "--remove-args" or "--info" && index + 1 < arguments.Count)
        {
            index++;
            return (argument, arguments[index]);
        }

        return (argument, null);
    }
}
