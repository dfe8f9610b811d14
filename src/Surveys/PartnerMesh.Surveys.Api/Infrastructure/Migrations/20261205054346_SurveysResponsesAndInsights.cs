using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Surveys.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SurveysResponsesAndInsights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "survey_impressions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_version = table.Column<int>(type: "integer", nullable: false),
                    survey_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    trigger = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    touchpoint = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    visitor_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    order_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    traffic_source = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    segments = table.Column<List<string>>(type: "text[]", nullable: false),
                    shown_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_survey_impressions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "survey_responses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_version = table.Column<int>(type: "integer", nullable: false),
                    survey_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    impression_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visitor_key = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    visitor_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    order_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    touchpoint = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    segments = table.Column<List<string>>(type: "text[]", nullable: false),
                    traffic_source = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    nps_score = table.Column<int>(type: "integer", nullable: true),
                    csat_score = table.Column<int>(type: "integer", nullable: true),
                    reason_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    answers = table.Column<string>(type: "jsonb", nullable: false),
                    free_text = table.Column<string>(type: "text", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_survey_responses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "survey_versions",
                columns: table => new
                {
                    survey_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    questions = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_survey_versions", x => new { x.survey_id, x.version });
                });

            migrationBuilder.CreateTable(
                name: "surveys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    trigger = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    event_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    touchpoints = table.Column<List<string>>(type: "text[]", nullable: false),
                    partner_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    segments = table.Column<List<string>>(type: "text[]", nullable: false),
                    sampling_percent = table.Column<decimal>(type: "numeric(7,4)", precision: 7, scale: 4, nullable: false),
                    frequency_mode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    cooldown_minutes = table.Column<int>(type: "integer", nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    paused = table.Column<bool>(type: "boolean", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_surveys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_survey_impressions_partner_id_shown_at",
                table: "survey_impressions",
                columns: new[] { "partner_id", "shown_at" });

            migrationBuilder.CreateIndex(
                name: "ix_survey_impressions_survey_id_shown_at",
                table: "survey_impressions",
                columns: new[] { "survey_id", "shown_at" });

            migrationBuilder.CreateIndex(
                name: "ux_survey_impressions_email_link_order",
                table: "survey_impressions",
                columns: new[] { "survey_id", "order_id" },
                unique: true,
                filter: "trigger = 'email-link'");

            migrationBuilder.CreateIndex(
                name: "ix_survey_responses_partner_id_submitted_at",
                table: "survey_responses",
                columns: new[] { "partner_id", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_survey_responses_survey_id_submitted_at",
                table: "survey_responses",
                columns: new[] { "survey_id", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ux_survey_responses_impression",
                table: "survey_responses",
                column: "impression_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_survey_responses_survey_visitor",
                table: "survey_responses",
                columns: new[] { "survey_id", "visitor_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_surveys_idempotency_key",
                table: "surveys",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "survey_impressions");

            migrationBuilder.DropTable(
                name: "survey_responses");

            migrationBuilder.DropTable(
                name: "survey_versions");

            migrationBuilder.DropTable(
                name: "surveys");
        }
    }
}
