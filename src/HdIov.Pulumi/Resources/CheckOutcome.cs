using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>Checked inputs and the problems found, each as (property path, reason).</summary>
internal sealed record CheckOutcome(PropertyMap Inputs, IReadOnlyList<(string Property, string Reason)> Failures);
