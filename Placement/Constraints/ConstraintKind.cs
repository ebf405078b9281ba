using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Everything the placement library knows about one constraint type, each part in the constraint's folder.</summary>
internal sealed record ConstraintKind(IConstraintChecker Checker, IConstraintEncoding Encoding, IConstraintRules Rules, IConstraintValidation Validation);
