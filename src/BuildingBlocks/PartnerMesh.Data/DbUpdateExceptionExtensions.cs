using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PartnerMesh.Data;

/// <summary>Recognises PostgreSQL constraint violations, so a lost race on a unique index becomes a 409, not a 500.</summary>
public static class DbUpdateExceptionExtensions
{
    public static bool IsUniqueViolation(this DbUpdateException exception, string constraint) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
        && postgres.ConstraintName == constraint;

    public static bool IsForeignKeyViolation(this DbUpdateException exception, string constraint) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } postgres
        && postgres.ConstraintName == constraint;
}
