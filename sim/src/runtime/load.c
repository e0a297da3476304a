/* SPDX-License-Identifier: MIT */
/*
 * Programs from shared objects (`uksim run --load ./x.so`, a scenario's
 * `load "x.so"` line), through dlopen. (GModule would do the same, but then
 * every program linking libsim would need gmodule too, and libsim's own
 * dependencies do not include it.) The object exports
 * `const struct sim_program ukern_programs[]`, ended by a NULL name; its
 * programs call the kernel through ukern/user.h and the sim_prog_* hooks,
 * which the uksim executable exports (gmodule-2.0 links it with
 * --export-dynamic).
 *
 * Modules stay loaded until the registry is freed: runs call into them.
 * Each is known by the SHA-256 of its file as loaded, so that a replay
 * token can tell a rebuilt object from the one it was made with.
 */
#include "rt_int.h"

#include <dlfcn.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rt_module {
	void *mod;
	char *path;
	char *real;    /* the file, whatever path named it (realpath) */
	bool failed;   /* its tables were refused part-way: a retry says so again */
	uint64_t hash; /* the first 64 bits of the SHA-256 of the file */
	struct rt_module *next;
};

/* The file's content hash; false if it cannot be read. Read before dlopen
 * maps it: what is hashed is what runs unless the file is replaced in
 * between. */
static bool hash_file(const char *path, uint64_t *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	unsigned char buf[16384];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		g_checksum_update(c, buf, n);
	bool ok = !ferror(f);
	fclose(f);
	guint8 digest[32];
	gsize len = sizeof(digest);
	g_checksum_get_digest(c, digest, &len);
	g_checksum_free(c);
	uint64_t h = 0;
	for (int i = 0; i < 8; i++)
		h = h << 8 | digest[i];
	*out = h;
	return ok;
}

/* The same file under two spellings (a scenario's `load "x.so"` and
 * `--load ./x.so`) is one object. */
static const struct rt_module *already_loaded(const struct sim_registry *r, const char *real)
{
	for (const struct rt_module *m = r->modules; m; m = m->next)
		if (!strcmp(m->real, real))
			return m;
	return NULL;
}

static int load_tables(struct sim_registry *r, struct rt_module *m, void *sym, void *pol,
		       const char *path, char *err, size_t errlen);

int sim_registry_load(struct sim_registry *r, const char *path, char *err, size_t errlen)
{
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		snprintf(err, errlen, "%s: no such file", path);
		return -1;
	}
	char *real = realpath(path, NULL);
	if (!real) {
		snprintf(err, errlen, "%s: cannot resolve its path", path);
		return -1;
	}
	const struct rt_module *old = already_loaded(r, real);
	if (old) {
		free(real);
		if (old->failed) {
			snprintf(err, errlen, "%s: its tables were refused when it was loaded", path);
			return -1;
		}
		return 0;
	}
	uint64_t hash;
	if (!hash_file(path, &hash)) {
		snprintf(err, errlen, "%s: cannot read it", path);
		free(real);
		return -1;
	}
	/* A path without a directory would make dlopen search the library
	 * path; a researcher means the file in the current directory. */
	char *full = g_path_is_absolute(path) ? g_strdup(path)
					      : g_build_filename(".", path, NULL);
	void *mod = dlopen(full, RTLD_NOW | RTLD_LOCAL);
	g_free(full);
	if (!mod) {
		snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
		free(real);
		return -1;
	}
	const unsigned *abi = dlsym(mod, SIM_ABI_SYMBOL);
	if (!abi || *abi != UK_ABI_VERSION) {
		if (abi)
			snprintf(err, errlen,
				 "%s: built for interface version %u; this uksim has version %u "
				 "(rebuild it against the installed headers)",
				 path, *abi, UK_ABI_VERSION);
		else
			snprintf(err, errlen,
				 "%s: says no interface version (write UKERN_PLUGIN; once, as "
				 "<sim/programs.h> says); this uksim has version %u",
				 path, UK_ABI_VERSION);
		dlclose(mod);
		free(real);
		return -1;
	}
	void *sym = dlsym(mod, SIM_PROGRAMS_SYMBOL);
	void *pol = dlsym(mod, SIM_POLICIES_SYMBOL);
	if (!sym && !pol) {
		snprintf(err, errlen,
			 "%s: no '%s' or '%s' table (export const struct sim_program %s[] or "
			 "const struct sim_policy %s[])",
			 path, SIM_PROGRAMS_SYMBOL, SIM_POLICIES_SYMBOL, SIM_PROGRAMS_SYMBOL,
			 SIM_POLICIES_SYMBOL);
		dlclose(mod);
		free(real);
		return -1;
	}
	struct rt_module *m = calloc(1, sizeof(*m));
	if (!m) {
		dlclose(mod);
		free(real);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	m->mod = mod;
	m->path = g_strdup(path);
	m->real = real;
	m->hash = hash;
	m->next = r->modules;
	r->modules = m;
	/* Registered entries point into the object: it stays loaded even
	 * when a later entry is refused, and a retry gives the same refusal. */
	if (load_tables(r, m, sym, pol, path, err, errlen) != 0) {
		m->failed = true;
		return -1;
	}
	return 0;
}

static int load_tables(struct sim_registry *r, struct rt_module *m, void *sym, void *pol,
		       const char *path, char *err, size_t errlen)
{
	(void)m;
	if (pol && rt_policies_load(r, pol, path, err, errlen) != 0)
		return -1;
	if (!sym)
		return 0;
	const struct sim_program *tab = sym;
	size_t before = r->n;
	for (size_t i = 0; tab[i].name; i++) {
		if (i >= 4096) {
			snprintf(err, errlen, "%s: '%s' has no end (a {0} entry)", path,
				 SIM_PROGRAMS_SYMBOL);
			return -1;
		}
		if (rt_registry_add(r, &tab[i], path, err, errlen) != 0)
			return -1;
	}
	if (r->n == before) {
		snprintf(err, errlen, "%s: '%s' lists no program", path, SIM_PROGRAMS_SYMBOL);
		return -1;
	}
	return 0;
}

size_t sim_registry_objects(const struct sim_registry *r, struct sim_token_object *out, size_t max)
{
	size_t n = 0;
	for (const struct rt_module *m = r->modules; m; m = m->next)
		n++;
	/* The list is newest first. */
	size_t i = n;
	for (const struct rt_module *m = r->modules; m; m = m->next) {
		i--;
		if (i < max)
			out[i] = (struct sim_token_object){.name = m->path, .hash = m->hash};
	}
	return n;
}

int sim_registry_load_scenario(struct sim_registry *r, const struct uks_scenario *s,
			       struct uks_diag *diag)
{
	for (size_t i = 0; i < s->nloads; i++) {
		char err[512];
		if (sim_registry_load(r, s->loads[i].path, err, sizeof(err)) != 0) {
			rt_diag_set(diag, &s->loads[i].pos, err);
			return -1;
		}
	}
	return 0;
}

void rt_registry_unload(struct sim_registry *r)
{
	while (r->modules) {
		struct rt_module *m = r->modules;
		r->modules = m->next;
		dlclose(m->mod);
		g_free(m->path);
		free(m->real);
		free(m);
	}
}
