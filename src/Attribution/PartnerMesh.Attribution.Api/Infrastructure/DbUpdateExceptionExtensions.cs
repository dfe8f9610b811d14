using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PartnerMesh.Attribution.Api.Infrastructure;

public static class DbUpdateExceptionExtensions
{
    public static bool IsUniqueViolation(this DbUpdateException exception, string constraint) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
        && postgres.ConstraintName == constraint;

    public static bool IsForeignKeyViolation(this DbUpdateException exception, string constraint) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } postgres
        && postgres.ConstraintName == constraint;
}
