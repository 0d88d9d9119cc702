namespace HdIov.Engine.Attachments;

/// <summary>One libvirt domain as read: whether it runs, its persistent XML and, while it runs, its live XML.</summary>
public sealed record DomainSnapshot(string Uri, string Name, bool Active, string ConfigXml, string? LiveXml);
