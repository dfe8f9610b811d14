using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Migrations
{
    /// <summary>
    /// Portal accounts' e-mails are keyed by the shared e-mail rule (CustomerEmail.Fold: invisible characters removed, NFKC,
    /// trimmed, lower-cased) instead of trim + lower-case: the stored keys are folded the same way. Only keys with a
    /// character beyond ASCII can change (the fold leaves lower-case ASCII as it is). An active account whose folded key
    /// is that of an older active account (a look-alike the old rule let in) is disabled, as a deleted account is: the
    /// oldest keeps the address, and the unique index of active e-mails holds.
    /// </summary>
    public partial class FoldedAccountEmails : Migration
    {
        /// <summary>
        /// Unicode's format characters (Cf) and the other default-ignorable code points CustomerEmail removes, then NFKC,
        /// trim and lower-case (after NFKC, as the fold does: NFKC can give capitals, ℌ → H); at most the column's 254.
        /// </summary>
        private const string Fold = """
            left(lower(btrim(normalize(regexp_replace(normalized_email,
                '[\u00AD\u034F\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB\U000110BD\U000110CD\U00013430-\U0001343F\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]',
                '', 'g'), NFKC))), 254)
            """;

        private const string BeyondAscii = "normalized_email ~ '[^\\u0001-\\u007F]'";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                WITH keyed AS (
                    SELECT id, row_number() OVER (
                        PARTITION BY CASE WHEN {BeyondAscii} THEN {Fold} ELSE normalized_email END
                        ORDER BY created_at, id) AS rank
                    FROM portal_accounts
                    WHERE disabled_at IS NULL
                )
                UPDATE portal_accounts SET disabled_at = now()
                FROM keyed
                WHERE portal_accounts.id = keyed.id AND keyed.rank > 1;

                UPDATE portal_accounts SET normalized_email = {Fold} WHERE {BeyondAscii};
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The keys as the old rule made them are not kept (nor which accounts were disabled here).
        }
    }
}
