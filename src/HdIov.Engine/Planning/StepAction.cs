namespace HdIov.Engine.Planning;

/// <summary>The Terraform-style verb of a step: rendered as <c>+</c>, <c>-</c>, <c>~</c>.</summary>
public enum StepAction
{
    Create,
    Delete,
    Update,
}
