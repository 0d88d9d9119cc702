namespace HdIov.Engine.Attachments;

/// <summary>Where a device change lands: the persistent definition, the running domain, or both.</summary>
[Flags]
public enum DomainChangeScope
{
    None = 0,

    /// <summary>The persistent definition: the guest sees the change from its next start.</summary>
    Config = 1,

    /// <summary>The running domain: a hot-plug or hot-unplug the guest sees now.</summary>
    Live = 2,
}
