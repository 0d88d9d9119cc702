namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>How a host's kernel command line is configured, and so which tool the engine changes it with.</summary>
public enum BootLoaderKind
{
    /// <summary>No configuration the engine knows how to change.</summary>
    None,

    /// <summary><c>GRUB_CMDLINE_LINUX</c> in <c>/etc/default/grub</c>, applied by <c>update-grub</c> (Debian, Ubuntu).</summary>
    Grub,

    /// <summary>Boot Loader Specification entries in <c>/boot/loader/entries</c>, changed by <c>grubby</c> (RHEL, Fedora, CentOS).</summary>
    Grubby,

    /// <summary><c>/etc/kernel/cmdline</c>, turned into a boot entry by systemd's <c>kernel-install</c> (systemd-boot, UKI).</summary>
    KernelInstall,
}
