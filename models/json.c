/* json: see json.h. */
#include "models/json.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int nul_escape(const char *s, size_t n, size_t i)
{
    return i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u' && !memcmp(s + i + 2, "0000", 4);
}

cJSON *json_parse(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !nul_escape(s, n, i))       /* the common case: none */
        i += s[i] == '\\' ? 2 : 1;
    if (i >= n)
        return cJSON_ParseWithLength(s, n);
    char *copy = malloc(n);
    if (!copy)
        return NULL;
    memcpy(copy, s, i);
    size_t o = i;
    while (i < n) {
        if (nul_escape(s, n, i)) {
            i += 6;
        } else if (s[i] == '\\' && i + 1 < n) {  /* "\\u0000" is no escape */
            copy[o++] = s[i++];
            copy[o++] = s[i++];
        } else {
            copy[o++] = s[i++];
        }
    }
    cJSON *root = cJSON_ParseWithLength(copy, o);
    free(copy);
    return root;
}

const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

long json_count(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
        return -1;
    return v->valuedouble < INT_MAX ? (long)v->valuedouble : INT_MAX;
}

void json_reply_text(reply *r, channel ch, const cJSON *obj, const char *key)
{
    const char *s = json_str(obj, key);
    if (s)
        reply_text(r, ch, s, strlen(s));
}

void json_add_strings(cJSON *obj, const char *key, const char *const *v, int n, int max)
{
    if (n <= 0)
        return;
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    for (int i = 0; i < n && i < max; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
}

char *json_print_free(cJSON *root)
{
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}
