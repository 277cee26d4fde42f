/* test_json: json_parse drops "\u0000" escapes, which cJSON would turn
 * into a NUL that cuts the string short, and leaves everything else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "models/json.h"

static void expect(const char *json, const char *want)
{
    cJSON *root = json_parse(json, strlen(json));
    assert_non_null(root);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "s");
    assert_true(cJSON_IsString(s));
    assert_string_equal(s->valuestring, want);
    cJSON_Delete(root);
}

static void test_nul_escapes(void **st)
{
    (void)st;
    expect("{\"s\":\"nul\\u0000here\"}", "nulhere");
    expect("{\"s\":\"\\u0000a\\u0000\\u0000b\\u0000\"}", "ab");
    expect("{\"s\":\"plain \\u00e9 \\n\"}", "plain \xC3\xA9 \n");
    /* An escaped backslash followed by "u0000" is text, not an escape. */
    expect("{\"s\":\"\\\\u0000\"}", "\\u0000");
    expect("{\"s\":\"\\\\\\u0000x\"}", "\\x");
}

static void test_not_json(void **st)
{
    (void)st;
    const char *cut = "{\"s\":\"nul\\u0000he";
    assert_null(json_parse(cut, strlen(cut)));
    assert_null(json_parse("\\u0000", 6));
    /* Only the first n bytes count. */
    const char *two = "{\"s\":\"a\\u0000\"}{\"s\":";
    cJSON *root = json_parse(two, 15);
    assert_non_null(root);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_escapes),
        cmocka_unit_test(test_not_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
