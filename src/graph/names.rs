//! The name registry: every name, alias and slug an entity answers to,
//! folded, and references resolved against them (with "did you mean").

use super::{Entity, EntityId, EntityKind};
use crate::content::Document;
use crate::diagnostics::{nearest, Diagnostic};
use crate::text::fold;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Names and aliases of entities, folded, so references match across case
/// and accents.
#[derive(Default)]
pub(super) struct Registry {
    keys: HashMap<(EntityKind, String), EntityId>,
    /// Folded keys that belong to profiles, with the profile's display name,
    /// for "did you mean" hints.
    profile_keys: Vec<(EntityKind, String, String)>,
}

pub(super) struct Resolver {
    pub(super) registry: Registry,
    pub(super) entities: BTreeMap<EntityId, Entity>,
}

pub(super) enum Reference {
    Found(EntityId),
    /// No profile: a page is made from the name. Carries the nearest profile
    /// name when the reference looks like a typo of it.
    Implicit(EntityId, Option<String>),
}

impl Registry {
    /// The entity a name written in front matter refers to, if any yet.
    pub(super) fn lookup(&self, kind: EntityKind, name: &str) -> Option<&EntityId> {
        self.keys.get(&(kind, fold(name.trim())))
    }

    /// The entity that answers to the folded `key`, if any.
    pub(super) fn lookup_key(&self, kind: EntityKind, key: &str) -> Option<&EntityId> {
        self.keys.get(&(kind, key.to_string()))
    }

    /// The display name of the profile whose key is nearest the folded
    /// `key`, when it looks like a typo of it.
    fn nearest_profile(&self, kind: EntityKind, key: &str) -> Option<String> {
        let candidates = self
            .profile_keys
            .iter()
            .filter(|(k, _, _)| *k == kind)
            .map(|(_, key, _)| key.as_str());
        let near = nearest(key, candidates)?;
        self.profile_keys
            .iter()
            .find(|(k, f, _)| *k == kind && f == near)
            .map(|(_, _, n)| n.clone())
    }

    /// The entity that answers to `name` already, or the nearest profile
    /// name when none does: for a book, which names only what briefings
    /// and profiles made.
    pub(super) fn existing(
        &self,
        kind: EntityKind,
        name: &str,
    ) -> Result<EntityId, Option<String>> {
        let folded = fold(name.trim());
        match self.keys.get(&(kind, folded.clone())) {
            Some(id) => Ok(id.clone()),
            None => Err(self.nearest_profile(kind, &folded)),
        }
    }

    /// No entity answers to the folded `key` any more.
    pub(super) fn remove_key(&mut self, kind: EntityKind, key: &str) {
        self.keys.remove(&(kind, key.to_string()));
    }

    /// Let entity `id` answer to the folded `key`, which no entity does.
    pub(super) fn add_key(&mut self, kind: EntityKind, key: String, id: &EntityId) {
        self.keys.insert((kind, key), id.clone());
    }
}

impl Resolver {
    pub(super) fn register(
        &mut self,
        id: &EntityId,
        key: &str,
        profile_name: Option<&str>,
    ) -> Option<EntityId> {
        let folded = fold(key);
        if folded.is_empty() {
            return None;
        }
        if let Some(name) = profile_name {
            self.registry
                .profile_keys
                .push((id.kind, folded.clone(), name.to_string()));
        }
        match self.registry.keys.get(&(id.kind, folded.clone())) {
            Some(existing) if existing != id => Some(existing.clone()),
            Some(_) => None,
            None => {
                self.registry.keys.insert((id.kind, folded), id.clone());
                None
            }
        }
    }

    pub(super) fn resolve(
        &mut self,
        kind: EntityKind,
        name: &str,
    ) -> Result<Reference, Diagnostic> {
        let name = name.trim();
        let folded = fold(name);
        if folded.is_empty() {
            return Err(Diagnostic::error(format!(
                "`{name}` is not a usable {} name: it has no letters or digits",
                kind.noun()
            )));
        }
        let near = || self.registry.nearest_profile(kind, &folded);
        if let Some(id) = self.registry.keys.get(&(kind, folded.clone())) {
            return Ok(if self.entities[id].source.is_some() {
                Reference::Found(id.clone())
            } else {
                Reference::Implicit(id.clone(), near())
            });
        }
        let id = EntityId::new(kind, folded.clone());
        let suggestion = near();
        self.registry.keys.insert((kind, folded), id.clone());
        self.entities
            .insert(id.clone(), Entity::implicit(id.clone(), name));
        Ok(Reference::Implicit(id, suggestion))
    }

    /// Resolve a reference written in `doc`'s front matter under `key`,
    /// reporting near misses at the line where it is written.
    pub(super) fn reference<T>(
        &mut self,
        kind: EntityKind,
        name: &str,
        doc: &Document<T>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<EntityId> {
        match self.resolve(kind, name) {
            Ok(Reference::Found(id)) => Some(id),
            Ok(Reference::Implicit(id, near)) => {
                if let Some(list) = comma_list(name) {
                    diags.push(
                        doc.diag_at_key(
                            Diagnostic::warning(format!(
                                "`{name}` is read as one {} named with commas",
                                kind.noun()
                            ))
                            .with_help(format!(
                                "to name {} {}, write a list: `{key}: [{list}]`",
                                list.split(", ").count(),
                                kind.article_key()
                            )),
                            key,
                            Some(name),
                        ),
                    );
                } else if let Some(near) = near {
                    diags.push(doc.diag_at_key(
                        Diagnostic::warning(format!(
                            "`{name}` matches no {} profile; did you mean {near}?",
                            kind.noun()
                        ))
                        .with_help(format!(
                            "fix the spelling, or add `{name}` to the aliases of {near}; without a fix it gets a page of its own"
                        )),
                        key,
                        Some(name),
                    ));
                }
                Some(id)
            }
            Err(d) => {
                diags.push(doc.diag_at_key(d, key, Some(name)));
                None
            }
        }
    }
}

/// `A, B` as the list `A, B` when a name with no profile holds commas:
/// `countries: Kenya, Sudan` is one string to YAML.
fn comma_list(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split(',').map(str::trim).collect();
    (parts.len() > 1 && parts.iter().all(|p| !p.is_empty())).then(|| parts.join(", "))
}

/// Register every profile's slug, name and aliases. Slugs and names first,
/// aliases after: a profile's own name always wins over another profile's
/// alias; a clash is a warning.
pub(super) fn register_profile_names(r: &mut Resolver, diags: &mut Vec<Diagnostic>) {
    let mut keys: Vec<(EntityId, String, String, PathBuf)> = Vec::new();
    for aliases in [false, true] {
        for e in r.entities.values() {
            let names = if aliases {
                e.aliases.clone()
            } else {
                vec![e.id.slug.clone(), e.name.clone()]
            };
            for key in names {
                keys.push((
                    e.id.clone(),
                    key,
                    e.name.clone(),
                    e.source.clone().unwrap_or_default(),
                ));
            }
        }
    }
    for (id, key, display, path) in &keys {
        if let Some(other) = r.register(id, key, Some(display)) {
            let other_name = r.entities[&other].name.clone();
            diags.push(
                Diagnostic::warning(format!(
                    "`{key}` names both {other_name} and {display}; references to it go to {other_name}"
                ))
                .in_file(path)
                .with_help("remove the alias from one of the two profiles"),
            );
        }
    }
}
