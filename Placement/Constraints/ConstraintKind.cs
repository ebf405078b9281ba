using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Everything known about one constraint type: its shape (declared by its record) and each part in the constraint's folder.</summary>
internal sealed record ConstraintKind(ConstraintShape Shape, IConstraintChecker Checker, IConstraintEncoding Encoding, IConstraintRules Rules, IConstraintValidation Validation);
